namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// Waiting on StackExchange.Redis commands with a bound of our own: its commands take no token, and its own timeout is
/// checked only on its heartbeat (about once a second), far too late for the request path.
/// </summary>
internal static class RedisTasks
{
    public static async Task<T> Bounded<T>(Task<T> command, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await command.WaitAsync(timeout, time, cancellationToken);
        }
        catch when (!command.IsCompleted)
        {
            Observe(command);
            throw;
        }
    }

    public static async Task Bounded(Task command, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await command.WaitAsync(timeout, time, cancellationToken);
        }
        catch when (!command.IsCompleted)
        {
            Observe(command);
            throw;
        }
    }

    public static async Task<T> Bounded<T>(Task<T> command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.WaitAsync(cancellationToken);
        }
        catch when (!command.IsCompleted)
        {
            Observe(command);
            throw;
        }
    }

    /// <summary>A command given up on still fails later (timed out, connection lost): observe it, so it is not reported as unobserved.</summary>
    private static void Observe(Task command) =>
        command.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
