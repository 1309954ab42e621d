namespace Tandem.Core.Balancing;

/// <summary>The algorithm names accepted by <c>pools[].algorithm</c>, in one place; config and factories refer to these.</summary>
public static class BalancingAlgorithms
{
    public const string RoundRobin = "round-robin";
    public const string WeightedRoundRobin = "weighted-round-robin";
    public const string LeastConnections = "least-connections";
    public const string IpHash = "ip-hash";
    public const string DynamicWeighted = "dynamic-weighted";
    public const string PowerOfTwoChoices = "p2c";
    public const string PeakEwma = "peak-ewma";
    public const string Random = "random";

    /// <summary>Every name the config accepts, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All =
        [RoundRobin, WeightedRoundRobin, LeastConnections, IpHash, DynamicWeighted, PowerOfTwoChoices, PeakEwma, Random];

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
