namespace Tandem.Core.Balancing;

/// <summary>The algorithm names accepted by <c>pools[].algorithm</c>, in one place; config and factories refer to these.</summary>
public static class BalancingAlgorithms
{
    public const string RoundRobin = "round-robin";
    public const string WeightedRoundRobin = "weighted-round-robin";

    /// <summary>Every name the config accepts, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All = [RoundRobin, WeightedRoundRobin];

    public static bool IsKnown(string name)
    {
        foreach (var known in All)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
