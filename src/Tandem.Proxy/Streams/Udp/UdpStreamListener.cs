using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Streams.Udp;

namespace Tandem.Proxy.Streams;

/// <summary>
/// A udp listener: one receive loop on a socket from the <see cref="ListenSocketRegistry"/>, datagrams balanced per
/// client flow through a session table keyed by the client's address and port (at most <c>max-sessions</c>; a flow
/// idle for <c>idle-timeout</c> is forgotten). A flow's first datagram picks its server (ip-hash keeps a client on
/// one server across flows); the rest of the flow follows it. Receiving reuses one buffer and one address object.
/// Concurrency: one receive loop; the table is concurrent (reply loops and the sweep remove entries).
/// </summary>
internal sealed class UdpStreamListener : IStreamListener, IStopAccepting, IDisposable
{
    private const string Kind = "udp";
    private const int MaxDatagram = 64 * 1024;
    private readonly Socket _socket;
    private readonly ListenSocketRegistry _registry;
    private readonly string _key;
    private readonly ConcurrentDictionary<SocketAddress, UdpSession> _sessions = new();
    private readonly CancellationTokenSource _stop = new();
    private StreamSettings _settings;
    private int _count;
    private long _dropped;
    private Task _receiving = Task.CompletedTask;
    private Task _sweeping = Task.CompletedTask;

    private UdpStreamListener(Socket socket, ListenSocketRegistry registry, string key, StreamSettings settings, StreamServices services)
    {
        _socket = socket;
        _registry = registry;
        _key = key;
        _settings = settings;
        Time = services.Time;
        Logger = services.Logger;
        Telemetry = services.Telemetry.ForStream(settings.Config.Name);
        Telemetry.ObserveSessions(() => Volatile.Read(ref _count));
        BoundEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public IStreamTelemetry Telemetry { get; }

    public IPEndPoint BoundEndPoint { get; }

    public StreamSettings Settings => Volatile.Read(ref _settings);

    public long OpenConnections => Volatile.Read(ref _count);

    public static UdpStreamListener Bind(StreamSettings settings, StreamServices services)
    {
        var bind = settings.Config.Bind;
        var endPoint = new IPEndPoint(bind.Ip ?? IPAddress.Loopback, bind.Port);
        var socket = services.Registry.CreateBound(Kind, endPoint, static ep =>
        {
            var s = new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                s.Bind(ep);
            }
            catch
            {
                s.Dispose();
                throw;
            }
            return s;
        });
        if (AnswersFromDestination)
        {
            // Also on a socket adopted from a predecessor, which may not have asked for it.
            StreamNative.EnablePacketInfo(socket);
        }
        var key = ListenSocketRegistry.KeyOf(Kind, endPoint);
        var listener = new UdpStreamListener(socket, services.Registry, key, settings, services);
        services.Registry.Attach(key, listener);
        return listener;
    }

    /// <summary>
    /// Whether answers go out by recvmsg/sendmsg with IP_PKTINFO (Linux). On a wildcard address the kernel would pick an
    /// answer's source by routing (the node's own address), and a client that asked a VIP, as a DNS resolver does, would
    /// discard it; the listener learns each datagram's destination and answers from it. On any address, the flows' reply
    /// loops sending through the shared socket with SendToAsync at once lost a whole flow's answers now and then
    /// (dnsperf through l4-udp.sh: a window of 100 queries unanswered in 6 of 10 runs; none with sendmsg).
    /// </summary>
    private static bool AnswersFromDestination => OperatingSystem.IsLinux();

    public void Activate()
    {
        _receiving = ReceiveLoopAsync();
        _sweeping = SweepLoopAsync();
        StreamLog.Started(Logger, "udp", Settings.Config.Name, BoundEndPoint);
    }

    public void Update(StreamSettings settings) => Volatile.Write(ref _settings, settings);

    public void Dispose() => _stop.Dispose();

    public void StopAccepting()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops receiving; flows get <paramref name="drain"/> for answers still on their way, then end.</summary>
    public async Task<bool> StopAsync(TimeSpan drain)
    {
        StopAccepting();
        await _receiving;
        await _sweeping;
        var start = Time.GetTimestamp();
        while (!_sessions.IsEmpty && Time.GetElapsedTime(start) < drain)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Time);
            Sweep(Time.GetTimestamp(), TimeSpan.FromMilliseconds(200));
        }
        foreach (var session in _sessions.Values)
        {
            session.End(RequestError.None);
        }
        _registry.Release(_key, this);
        _socket.Dispose();
        Dispose();
        StreamLog.Stopped(Logger, "udp", Settings.Config.Name);
        return true;
    }

    /// <summary>
    /// Sends a server's answer to the session's client from the address it sent to (IP_PKTINFO, on Linux) or else from
    /// the listener's own address with SendToAsync; a full send buffer drops it, as the network may.
    /// </summary>
    public ValueTask<int> ReplyAsync(ReadOnlyMemory<byte> datagram, UdpSession session)
    {
        if (session.ReplyControl is not { } control)
        {
            return _socket.SendToAsync(datagram, SocketFlags.None, session.Client);
        }
        var sent = StreamNative.SendFrom(_socket, datagram.Span, session.Client, control, out var errno);
        if (sent < 0 && errno != StreamNative.EAGAIN)
        {
            throw new SocketException((int)SocketError.SocketError);
        }
        return ValueTask.FromResult(Math.Max(sent, 0));
    }

    public void Forget(UdpSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<SocketAddress, UdpSession>(session.Client, session)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        var withDestination = AnswersFromDestination;
        var peek = new byte[1];
        var control = new byte[StreamNative.PacketInfoControlSize];
        var controlLength = 0;
        while (!_stop.IsCancellationRequested)
        {
            int read;
            try
            {
                if (withDestination)
                {
                    // The runtime waits for a datagram (a peek leaves it queued); recvmsg then takes it with its destination.
                    try
                    {
                        await _socket.ReceiveFromAsync(peek, SocketFlags.Peek, from, _stop.Token);
                    }
                    catch (SocketException)
                    {
                        // A truncated peek or an ICMP error: recvmsg says whether a datagram is there.
                    }
                    read = StreamNative.ReceiveWithDestination(_socket, buffer, from, control, out controlLength, out _);
                    if (read < 0)
                    {
                        continue;
                    }
                }
                else
                {
                    read = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP error for an earlier reply to a client that went away
            }
            try
            {
                var session = _sessions.TryGetValue(from, out var found) ? found : await OpenAsync(from, withDestination ? control.AsSpan(0, controlLength).ToArray() : null);
                if (session is not null)
                {
                    await session.SendAsync(buffer.AsMemory(0, read));
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                StreamLog.Refused(Logger, Settings.Config.Name, null, ex.Message);
            }
        }
    }

    /// <summary>A new flow: admission (the listener's policies), the table bound, the server, a socket connected to it.</summary>
    private async Task<UdpSession?> OpenAsync(SocketAddress from, byte[]? replyControl)
    {
        var settings = Settings;
        var clientEndPoint = (IPEndPoint)BoundEndPoint.Create(from);
        // A refused client's datagram is dropped; its next one asks again (a rate limit may let it in by then).
        if (settings.Admission is { } admission && !admission.Admit(clientEndPoint, out _, out _))
        {
            return null;
        }
        if (Volatile.Read(ref _count) >= settings.MaxSessions)
        {
            Interlocked.Increment(ref _dropped);
            return null;
        }
        var pool = settings.Router.Default;
        if (pool is null)
        {
            return null;
        }
        var selection = new SelectionState();
        var address = clientEndPoint.Address;
        selection.Begin(pool.UsesHash ? new SelectionContext(address, ClientHash.Of(address)) : new SelectionContext(address));
        var server = ServerPicker.Acquire(pool, selection);
        if (server is null)
        {
            StreamLog.NoServer(Logger, settings.Config.Name, pool.Name, clientEndPoint);
            return null;
        }
        var upstream = new Socket(SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (server.Address.Ip is { } ip)
            {
                await upstream.ConnectAsync(new IPEndPoint(ip, server.Address.Port));
            }
            else
            {
                await upstream.ConnectAsync(server.Address.Host, server.Address.Port);
            }
        }
        catch (SocketException)
        {
            upstream.Dispose();
            server.RequestCompleted(502, serverFailed: true, 0);
            return null;
        }
        var key = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span[..from.Size].CopyTo(key.Buffer.Span);
        var session = new UdpSession(key, clientEndPoint, pool, server, upstream, this) { ReplyControl = replyControl is { Length: > 0 } ? replyControl : null };
        _sessions[key] = session;
        Interlocked.Increment(ref _count);
        Telemetry.Opened();
        session.Start();
        return session;
    }

    private async Task SweepLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var idle = Settings.IdleTimeout;
                await Task.Delay(TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond)), Time, _stop.Token);
                Sweep(Time.GetTimestamp(), idle);
                var dropped = Interlocked.Exchange(ref _dropped, 0);
                if (dropped > 0)
                {
                    StreamLog.SessionsFull(Logger, Settings.Config.Name, Settings.MaxSessions, null);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sweep(long now, TimeSpan idle)
    {
        foreach (var session in _sessions.Values)
        {
            if (session.IdleFor(now) >= idle)
            {
                session.End(RequestError.None);
            }
        }
    }
}
