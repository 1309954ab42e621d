using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Draws servers at random in proportion to their effective weights: cumulative weights built once per selector,
/// a binary search per draw. Immutable; shared by the random-choice selectors.
/// </summary>
internal sealed class WeightedDraw
{
    private readonly int[] _cumulative;
    private readonly bool _uniform;

    public WeightedDraw(IReadOnlyList<ServerState> servers)
    {
        _cumulative = new int[servers.Count];
        var total = 0;
        _uniform = true;
        for (var i = 0; i < servers.Count; i++)
        {
            var weight = Math.Max(1, servers[i].TenthsOfWeight);
            _uniform &= weight == Math.Max(1, servers[0].TenthsOfWeight);
            total += weight;
            _cumulative[i] = total;
        }
    }

    public int Count => _cumulative.Length;

    /// <summary>One index, with probability weight / total.</summary>
    public int Next(IRandomSource random)
    {
        if (_uniform)
        {
            return random.NextInt(_cumulative.Length);
        }
        var ticket = random.NextInt(_cumulative[^1]);
        var low = 0;
        var high = _cumulative.Length - 1;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_cumulative[mid] > ticket)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    /// <summary>A second index different from <paramref name="first"/> (there are at least two servers).</summary>
    public int NextOther(IRandomSource random, int first)
    {
        // A few weighted draws keep the proportions; the fallback keeps the time bounded when one server dominates.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var other = Next(random);
            if (other != first)
            {
                return other;
            }
        }
        return (first + 1 + random.NextInt(_cumulative.Length - 1)) % _cumulative.Length;
    }
}
