using System.Collections.Frozen;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Listeners;

namespace Tandem.Proxy.Streams;

/// <summary>
/// The layer-4 listeners of the data plane, applied in two steps like the HTTP ones: <see cref="Prepare"/> binds the
/// new sockets (nothing accepted yet), <see cref="Commit"/> gives every listener its settings over the new pools,
/// activates the new ones and drains the replaced ones. A listener whose name, bind and transport (tcp or udp) stay
/// keeps its socket and its connections across a reload.
/// Concurrency: called under <see cref="ProxyRuntime"/>'s apply lock; <see cref="All"/> reads an immutable snapshot.
/// </summary>
internal sealed class StreamListeners(StreamServices services)
{
    private readonly List<Task> _retiring = [];
    private Dictionary<string, IStreamListener> _listeners = new(StringComparer.Ordinal);

    public IReadOnlyCollection<IStreamListener> All => Volatile.Read(ref _listeners).Values;

    /// <summary>The listeners of <paramref name="config"/>, new ones bound but inactive. Throws <see cref="ListenerStartException"/> (and binds nothing) when one cannot bind.</summary>
    public PendingStreams Prepare(TandemConfig config)
    {
        var pending = new PendingStreams();
        try
        {
            foreach (var listener in config.Listeners)
            {
                if (listener.Protocol == ListenerProtocol.Http)
                {
                    continue;
                }
                if (_listeners.TryGetValue(listener.Name, out var existing) && CanKeep(existing.Settings.Config, listener))
                {
                    pending.Next[listener.Name] = existing;
                    continue;
                }
                // Routing is filled in at commit; until then the listener accepts nothing.
                var settings = new StreamSettings(listener, StreamRouter.None);
                IStreamListener bound;
                try
                {
                    bound = listener.Protocol == ListenerProtocol.Udp ? UdpStreamListener.Bind(settings, services) : TcpStreamListener.Bind(settings, services);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new ListenerStartException(listener.Name, listener.Bind.ToString(), ex);
                }
                pending.Started.Add(bound);
                pending.Next[listener.Name] = bound;
            }
        }
        catch
        {
            Abort(pending);
            throw;
        }
        return pending;
    }

    /// <summary>Closes what <see cref="Prepare"/> bound (another listener failed to bind).</summary>
    public static void Abort(PendingStreams pending)
    {
        foreach (var listener in pending.Started)
        {
            _ = listener.StopAsync(TimeSpan.Zero);
        }
    }

    public void Commit(PendingStreams pending, TandemConfig config, FrozenDictionary<string, PoolState> pools, PolicyCompiler policies, TimeSpan drain)
    {
        foreach (var listener in config.Listeners)
        {
            if (listener.Protocol == ListenerProtocol.Http)
            {
                continue;
            }
            var stream = pending.Next[listener.Name];
            stream.Update(new StreamSettings(listener, StreamRouter.For(listener, pools)) { Admission = policies.ForStream(listener) });
            if (pending.Started.Contains(stream))
            {
                stream.Activate();
            }
        }
        foreach (var (name, listener) in _listeners)
        {
            if (!pending.Next.TryGetValue(name, out var kept) || !ReferenceEquals(kept, listener))
            {
                _retiring.Add(listener.StopAsync(drain));
            }
        }
        _retiring.RemoveAll(t => t.IsCompleted);
        Volatile.Write(ref _listeners, pending.Next);
    }

    /// <summary>Stops every listener, each draining its connections for up to <paramref name="drain"/>; false when some were cut off.</summary>
    public async Task<bool> StopAsync(TimeSpan drain)
    {
        var stops = new List<Task<bool>>();
        foreach (var listener in _listeners.Values)
        {
            stops.Add(listener.StopAsync(drain));
        }
        var results = await Task.WhenAll(stops);
        await Task.WhenAll(_retiring);
        Volatile.Write(ref _listeners, new Dictionary<string, IStreamListener>(StringComparer.Ordinal));
        return Array.TrueForAll(results, r => r);
    }

    private static bool CanKeep(ListenerConfig current, ListenerConfig next) =>
        current.Bind == next.Bind && (current.Protocol == ListenerProtocol.Udp) == (next.Protocol == ListenerProtocol.Udp);
}

/// <summary>The layer-4 listeners of a config being applied.</summary>
internal sealed class PendingStreams
{
    public Dictionary<string, IStreamListener> Next { get; } = new(StringComparer.Ordinal);

    public List<IStreamListener> Started { get; } = [];
}
