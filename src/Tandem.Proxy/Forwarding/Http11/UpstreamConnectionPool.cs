using System.Collections.Concurrent;
using System.Net;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// The idle kept-alive connections to one server address. A connection idle longer than the pool's keep-alive timeout is
/// closed rather than used (the server is likely to have closed it), on the way out and by <see cref="Sweep"/>.
/// Concurrency: lock-free (a <see cref="ConcurrentQueue{T}"/>, which allocates nothing per item once warm); any number
/// of requests rent and return at once.
/// </summary>
internal sealed class UpstreamConnectionPool(ServerEndpoint endpoint, IPEndPoint address)
{
    /// <summary>More idle connections than this to one server are closed instead of kept.</summary>
    public const int MaxIdle = 1024;

    private readonly ConcurrentQueue<UpstreamConnection> _idle = new();
    private int _count;

    /// <summary>The endpoint (DNS answer) this pool's connections go to; a re-resolved server gets a new pool.</summary>
    public ServerEndpoint Endpoint { get; } = endpoint;

    public IPEndPoint Address { get; } = address;

    /// <summary>Idle connections now.</summary>
    public int Idle => Volatile.Read(ref _count);

    /// <summary>An idle connection that has not outlived <paramref name="keepAlive"/>, or null.</summary>
    public UpstreamConnection? TryRent(long now, TimeSpan keepAlive, TimeProvider time)
    {
        while (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _count);
            if (!connection.IsDisposed && time.GetElapsedTime(connection.IdleSince, now) < keepAlive)
            {
                return connection;
            }
            connection.Dispose();
        }
        return null;
    }

    /// <summary>Keeps <paramref name="connection"/> for a later request (or closes it when the pool is full).</summary>
    public void Return(UpstreamConnection connection, long now)
    {
        if (Interlocked.Increment(ref _count) > MaxIdle)
        {
            Interlocked.Decrement(ref _count);
            connection.Dispose();
            return;
        }
        connection.IdleSince = now;
        connection.Reused = true;
        _idle.Enqueue(connection);
    }

    /// <summary>Closes idle connections older than <paramref name="keepAlive"/> (every one when it is zero).</summary>
    public void Sweep(long now, TimeSpan keepAlive, TimeProvider time)
    {
        for (var n = Idle; n > 0 && _idle.TryDequeue(out var connection); n--)
        {
            Interlocked.Decrement(ref _count);
            if (keepAlive > TimeSpan.Zero && !connection.IsDisposed && time.GetElapsedTime(connection.IdleSince, now) < keepAlive)
            {
                Interlocked.Increment(ref _count);
                _idle.Enqueue(connection);
            }
            else
            {
                connection.Dispose();
            }
        }
    }
}
