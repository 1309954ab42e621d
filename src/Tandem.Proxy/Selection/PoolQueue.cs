namespace Tandem.Proxy.Selection;

/// <summary>
/// Where requests of a pool wait while every usable server is at its <c>max-connections</c>, as HAProxy's backend
/// queue: first come, first served, at most <c>size</c> waiting, each for at most <c>timeout</c>; then 503. A request
/// that completes on the pool wakes the oldest waiter, which then tries to pick a server again.
/// Concurrency: waiters in a lock-free queue; the request path only reads <see cref="Waiting"/> unless there are waiters.
/// </summary>
internal sealed class PoolQueue(int size, TimeSpan timeout, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource<bool>> _waiters = new();
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public TimeSpan Timeout => timeout;

    public int Size => size;

    /// <summary>
    /// Waits for a slot to free up somewhere in the pool: <see cref="QueueWait.Full"/> at once when the queue is full,
    /// <see cref="QueueWait.TimedOut"/> after <paramref name="remaining"/> or when the client leaves,
    /// <see cref="QueueWait.Woken"/> when a request of the pool finished (the caller must still find a server with
    /// room, and may wait again).
    /// </summary>
    public async ValueTask<QueueWait> WaitAsync(TimeSpan remaining, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _waiting) > size)
        {
            Interlocked.Decrement(ref _waiting);
            return QueueWait.Full;
        }
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Enqueue(waiter);
        try
        {
            return await waiter.Task.WaitAsync(remaining, time, cancellationToken) ? QueueWait.Woken : QueueWait.TimedOut;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return QueueWait.TimedOut;
        }
        finally
        {
            // A timed-out or cancelled waiter stays in the queue; Release skips it (TrySetResult fails).
            waiter.TrySetResult(false);
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>A request of the pool finished: wake the oldest live waiter, if any.</summary>
    public void Release()
    {
        if (Volatile.Read(ref _waiting) == 0)
        {
            return;
        }
        while (_waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult(true))
            {
                return;
            }
        }
    }
}

/// <summary>How a wait in a <see cref="PoolQueue"/> ended.</summary>
internal enum QueueWait
{
    Woken,
    Full,
    TimedOut,
}
