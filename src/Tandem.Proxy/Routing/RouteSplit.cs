using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Proxy.Selection;

namespace Tandem.Proxy.Routing;

/// <summary>
/// A route's <c>split</c>: its requests shared among several pools by weight (a canary, an A/B test). Each side is a
/// <see cref="Route"/> of its own, so selection, forwarding and retries see a plain route to one pool. Sticky splits
/// hash the client's key onto the weights, so a client stays on its side while the weights stay; others draw at
/// random. Immutable; picking allocates nothing.
/// </summary>
internal sealed class RouteSplit
{
    private readonly Route[] _sides;
    private readonly int[] _upper;
    private readonly int _total;
    private readonly HashKey? _key;
    private readonly IRandomSource _random;

    /// <param name="sides">One route per pool of the split.</param>
    /// <param name="weights">The share of each side (not all 0).</param>
    /// <param name="key">What keeps a client on its side; null to draw at random for each request.</param>
    /// <param name="random">Where random draws come from (injected, so tests can seed it).</param>
    public RouteSplit(Route[] sides, int[] weights, HashKey? key, IRandomSource random)
    {
        _sides = sides;
        _upper = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            _total += weights[i];
            _upper[i] = _total;
        }
        ArgumentOutOfRangeException.ThrowIfZero(_total);
        _key = key;
        _random = random;
    }

    public IReadOnlyList<Route> Sides => _sides;

    /// <summary>What keeps a client on its side; null when each request draws.</summary>
    public HashKey? Key => _key;

    public Route Pick(HttpContext context)
    {
        var draw = _key is null ? _random.NextInt(_total) : (int)(HashOf(context, _key) % (ulong)_total);
        for (var i = 0; i < _upper.Length; i++)
        {
            if (draw < _upper[i])
            {
                return _sides[i];
            }
        }
        return _sides[^1];
    }

    private static ulong HashOf(HttpContext context, HashKey key) =>
        SelectionContexts.HashOf(context.Request, key) ?? ClientHash.Of(context.Connection.RemoteIpAddress);
}
