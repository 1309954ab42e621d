using System.Net;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// A pool's HTTP/1.1 upstream connections, one <see cref="UpstreamConnectionPool"/> per server (per current address of a
/// server named by DNS), the lean path's counterpart of the pool's <see cref="HttpMessageInvoker"/>: built with it,
/// kept across reloads with it, disposed with it. A timer closes connections idle past the keep-alive timeout.
/// Concurrency: lookups read an immutable array (copy-on-write under a lock when a server or address is new).
/// </summary>
internal sealed class Http11Upstream : IDisposable
{
    private readonly object _gate = new();
    private readonly ITimer _sweeper;
    private Entry[] _entries = [];
    private bool _disposed;

    public Http11Upstream(UpstreamSettings settings, TimeProvider time)
    {
        Settings = settings;
        Time = time;
        var every = settings.KeepAliveTimeout / 2;
        every = every < TimeSpan.FromMilliseconds(250) ? TimeSpan.FromMilliseconds(250) : every > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : every;
        _sweeper = time.CreateTimer(static s => ((Http11Upstream)s!).Sweep(), this, every, every);
    }

    /// <summary>
    /// Set <c>TANDEM_HTTP11_UPSTREAM=off</c> to send every request through YARP's forwarder (to compare, or to rule the
    /// lean path out when a server misbehaves).
    /// </summary>
    public static bool Enabled { get; } = !string.Equals(Environment.GetEnvironmentVariable("TANDEM_HTTP11_UPSTREAM"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The lean path's connections for a pool with <paramref name="settings"/>; null when the pool talks TLS to its servers or the path is off.</summary>
    public static Http11Upstream? CreateFor(UpstreamSettings settings, TimeProvider time) =>
        Enabled && settings.Tls is null ? new Http11Upstream(settings, time) : null;

    public UpstreamSettings Settings { get; }

    public TimeProvider Time { get; }

    /// <summary>Whether the pool's config is gone: connections coming back are closed, not kept.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>The connection pool for <paramref name="server"/>'s current address; null while its name is unresolved.</summary>
    public UpstreamConnectionPool? For(ServerState server)
    {
        var endpoint = server.Endpoint;
        var entries = Volatile.Read(ref _entries);
        for (var i = 0; i < entries.Length; i++)
        {
            if (ReferenceEquals(entries[i].Server, server) && ReferenceEquals(entries[i].Pool.Endpoint, endpoint))
            {
                return entries[i].Pool;
            }
        }
        return endpoint.Addresses.Count == 0 ? null : Add(server, endpoint);
    }

    private UpstreamConnectionPool? Add(ServerState server, ServerEndpoint endpoint)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return null;
            }
            var entries = _entries;
            var kept = new List<Entry>(entries.Length + 1);
            UpstreamConnectionPool? retired = null;
            foreach (var entry in entries)
            {
                if (!ReferenceEquals(entry.Server, server))
                {
                    kept.Add(entry);
                }
                else if (ReferenceEquals(entry.Pool.Endpoint, endpoint))
                {
                    return entry.Pool;
                }
                else
                {
                    // The server moved (DNS): new requests go to the new address; idle connections to the old one close.
                    retired = entry.Pool;
                }
            }
            var pool = new UpstreamConnectionPool(endpoint, new IPEndPoint(endpoint.Addresses[0], server.Address.Port));
            kept.Add(new Entry(server, pool));
            Volatile.Write(ref _entries, kept.ToArray());
            retired?.Sweep(Time.GetTimestamp(), TimeSpan.Zero, Time);
            return pool;
        }
    }

    private void Sweep()
    {
        var now = Time.GetTimestamp();
        foreach (var entry in Volatile.Read(ref _entries))
        {
            entry.Pool.Sweep(now, Settings.KeepAliveTimeout, Time);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        _sweeper.Dispose();
        foreach (var entry in Volatile.Read(ref _entries))
        {
            entry.Pool.Sweep(Time.GetTimestamp(), TimeSpan.Zero, Time);
        }
    }

    private readonly record struct Entry(ServerState Server, UpstreamConnectionPool Pool);
}
