namespace Tandem.Core.Pools;

/// <summary>How a pool's sticky clients fared: kept on their server, or moved because it could no longer take them.</summary>
public sealed class StickyCounters
{
    private long _hits;
    private long _moves;

    /// <summary>Requests that went to the server their client was stuck to.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Requests whose client was stuck to a server that could not take it (down, disabled, removed), so they were balanced afresh.</summary>
    public long Moves => Interlocked.Read(ref _moves);

    public void Hit() => Interlocked.Increment(ref _hits);

    public void Move() => Interlocked.Increment(ref _moves);
}
