namespace Tandem.Pair.Replication;

/// <summary>
/// When the peer's state was last applied here or ours acknowledged there (the published <c>lastSync</c>); every
/// replicator that exchanges state marks it.
/// Concurrency: thread-safe; the time is one 64-bit value read and written atomically.
/// </summary>
internal sealed class SyncMark(TimeProvider time)
{
    private long _ticks = long.MinValue;

    /// <summary>The last mark (UTC); null before the first.</summary>
    public DateTimeOffset? At => Interlocked.Read(ref _ticks) is var ticks && ticks != long.MinValue ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Mark() => Interlocked.Exchange(ref _ticks, time.GetUtcNow().UtcTicks);
}
