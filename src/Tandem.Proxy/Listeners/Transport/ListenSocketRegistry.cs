using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Every listening socket of a node (proxy listeners and admin), by what the config asked to bind: the sockets a
/// successor takes over (<see cref="Live"/>), and the sockets taken over from a predecessor, which a bind of the same
/// address adopts instead of binding anew (<see cref="Inherit"/>). Keys are "KIND ADDRESS", e.g. "proxy 0.0.0.0:80".
/// A bind to port 0 never adopts and is never handed over: another process's port 0 is not the same listener.
/// Concurrency: all members are thread-safe (one lock; binds are rare).
/// </summary>
public sealed class ListenSocketRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Socket> _inherited = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _live = new(StringComparer.Ordinal);
    private readonly HashSet<string> _adopted = new(StringComparer.Ordinal);

    /// <summary>The registry key of a listening socket.</summary>
    public static string KeyOf(string kind, EndPoint endPoint) => kind + " " + endPoint;

    /// <summary>Offers a predecessor's listening socket for the bind with the same key; this registry now owns it.</summary>
    public void Inherit(string key, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        lock (_gate)
        {
            if (_inherited.Remove(key, out var duplicate))
            {
                duplicate.Dispose();
            }
            _inherited[key] = socket;
        }
    }

    /// <summary>Whether the bind with <paramref name="key"/> adopted an inherited socket.</summary>
    public bool WasAdopted(string key)
    {
        lock (_gate)
        {
            return _adopted.Contains(key);
        }
    }

    /// <summary>The listening sockets now open, for a successor.</summary>
    public IReadOnlyList<KeyValuePair<string, Socket>> Live()
    {
        lock (_gate)
        {
            var list = new List<KeyValuePair<string, Socket>>(_live.Count);
            foreach (var (key, entry) in _live)
            {
                list.Add(new(key, entry.Socket));
            }
            return list;
        }
    }

    /// <summary>
    /// Stops accepting on every listening socket without closing any: a successor that holds the same sockets takes
    /// every connection from now on, including the ones already waiting in the kernel's accept queue.
    /// </summary>
    public void StopAccepting()
    {
        List<IStopAccepting> listeners;
        lock (_gate)
        {
            listeners = new List<IStopAccepting>(_live.Count);
            foreach (var entry in _live.Values)
            {
                if (entry.Listener is { } listener)
                {
                    listeners.Add(listener);
                }
            }
        }
        foreach (var listener in listeners)
        {
            listener.StopAccepting();
        }
    }

    /// <summary>Closes inherited sockets that no bind adopted (listeners the new config no longer has); returns their keys.</summary>
    public IReadOnlyList<string> CloseUnclaimed()
    {
        lock (_gate)
        {
            var keys = new List<string>(_inherited.Keys);
            foreach (var socket in _inherited.Values)
            {
                // Never accepted on in this process: a plain close(2), the predecessor's copy stays open.
                socket.Dispose();
            }
            _inherited.Clear();
            return keys;
        }
    }

    /// <summary>
    /// The socket for a bind: the inherited one with the same key, or a new one from <paramref name="create"/> (bound
    /// as Kestrel would when null).
    /// </summary>
    internal Socket CreateBound(string kind, EndPoint endPoint, Func<EndPoint, Socket>? create = null)
    {
        var key = KeyOf(kind, endPoint);
        lock (_gate)
        {
            if (endPoint is IPEndPoint { Port: not 0 } && _inherited.Remove(key, out var inherited))
            {
                _adopted.Add(key);
                _live[key] = new Entry(inherited, null);
                return inherited;
            }
        }
        var socket = create is null ? SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint) : create(endPoint);
        if (endPoint is IPEndPoint { Port: not 0 })
        {
            lock (_gate)
            {
                _live[key] = new Entry(socket, null);
            }
        }
        return socket;
    }

    internal void Attach(string key, IStopAccepting listener)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(key, out var entry))
            {
                _live[key] = entry with { Listener = listener };
            }
        }
    }

    internal void Release(string key, IStopAccepting listener)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(key, out var entry) && ReferenceEquals(entry.Listener, listener))
            {
                _live.Remove(key);
            }
        }
    }

    private sealed record Entry(Socket Socket, IStopAccepting? Listener);
}

/// <summary>A listener that can stop taking new clients while its socket stays open for a successor.</summary>
internal interface IStopAccepting
{
    void StopAccepting();
}
