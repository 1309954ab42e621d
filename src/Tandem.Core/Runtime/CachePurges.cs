namespace Tandem.Core.Runtime;

/// <summary>A purge as the cache applied it: what it selects by and the normalized key, prefix or tag.</summary>
public sealed record CachePurgeOrder(CachePurgeScope Scope, string Selector);

/// <summary>
/// Where the cache reports an operator's purge that no shared tier carries to the other node, so the pair can send it;
/// and where a purge the peer sent is applied to this node only (<see cref="ApplyLocal"/>), so it never loops back.
/// Concurrency: <see cref="Made"/> is raised on the admin request's thread; handlers must return quickly.
/// </summary>
public sealed class CachePurges
{
    public event Action<CachePurgeOrder>? Made;

    /// <summary>Drops what the order selects from this node's memory tier only; set by the data plane; how many objects.</summary>
    public Func<CachePurgeOrder, int>? ApplyLocal { get; set; }

    public void Report(CachePurgeOrder order) => Made?.Invoke(order);
}
