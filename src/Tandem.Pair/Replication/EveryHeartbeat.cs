namespace Tandem.Pair.Replication;

/// <summary>
/// The "send on every heartbeat" hook: a replicator whose state goes to the peer in batches (sticky clients today) runs
/// its send once per heartbeat interval while the peer answers. While it does not, changes stay with the replicator,
/// which keeps them for later or leaves them to the peer's snapshot when it returns.
/// Concurrency: one loop; the send never overlaps itself.
/// </summary>
internal static class EveryHeartbeat
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, IPairPeer peer, Func<CancellationToken, Task> send,
        CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                if (peer.Alive)
                {
                    await send(stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
