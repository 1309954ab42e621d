using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;

namespace Tandem.Proxy.Streams.Udp;

/// <summary>
/// One client flow of a udp listener (client address and port): a connected socket to the server chosen for its
/// first datagram, and a loop that sends the server's answers back to the client from the listener's socket, so they
/// come from the address the client sent to. Ends when idle (or on an ICMP refusal from the server, counted against it).
/// Concurrency: <see cref="SendAsync"/> runs on the listener's receive loop, the reply loop on its own; counters have one writer each.
/// </summary>
internal sealed class UdpSession
{
    private const int MaxDatagram = 64 * 1024;
    private readonly Socket _upstream;
    private readonly UdpStreamListener _listener;
    private readonly long _started;
    private long _lastActivity;
    private long _bytesIn;
    private long _bytesOut;
    private int _ended;

    public UdpSession(SocketAddress client, IPEndPoint clientEndPoint, PoolState pool, ServerState server, Socket upstream, UdpStreamListener listener)
    {
        Client = client;
        ClientEndPoint = clientEndPoint;
        Pool = pool;
        Server = server;
        _upstream = upstream;
        _listener = listener;
        _started = listener.Time.GetTimestamp();
        _lastActivity = _started;
    }

    public SocketAddress Client { get; }

    /// <summary>On Linux: the IP_PKTINFO control message that sends answers from the address the client sent to (see <see cref="StreamNative"/>).</summary>
    public byte[]? ReplyControl { get; init; }

    public IPEndPoint ClientEndPoint { get; }

    public PoolState Pool { get; }

    public ServerState Server { get; }

    public TimeSpan IdleFor(long now) => _listener.Time.GetElapsedTime(Volatile.Read(ref _lastActivity), now);

    /// <summary>Starts relaying the server's answers.</summary>
    public void Start() => _ = ReplyLoopAsync();

    /// <summary>Sends a client datagram to the server.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram)
    {
        _bytesIn += datagram.Length;
        Volatile.Write(ref _lastActivity, _listener.Time.GetTimestamp());
        try
        {
            await _upstream.SendAsync(datagram, SocketFlags.None);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            End(ex is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? RequestError.ConnectFailed : RequestError.ServerFailed);
        }
    }

    private async Task ReplyLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        try
        {
            while (true)
            {
                var read = await _upstream.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                _bytesOut += read;
                Volatile.Write(ref _lastActivity, _listener.Time.GetTimestamp());
                await _listener.ReplyAsync(buffer.AsMemory(0, read), this);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // ICMP port unreachable: the server is not listening.
            End(RequestError.ConnectFailed);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            End(RequestError.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Ends the flow once: closes the server socket, settles the server's counters and writes the record.</summary>
    public void End(RequestError error)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }
        _upstream.Dispose();
        _listener.Forget(this);
        var failed = error == RequestError.ConnectFailed;
        var seconds = _listener.Time.GetElapsedTime(_started).TotalSeconds;
        Server.RequestCompleted(failed ? 502 : 200, failed, seconds);
        OutlierDetector.Record(Pool, Server, failed ? 502 : 200, failed);
        _listener.Telemetry.Ended(new StreamRecord
        {
            Protocol = "udp",
            Pool = Pool,
            Server = Server,
            Client = ClientEndPoint,
            BytesIn = _bytesIn,
            BytesOut = _bytesOut,
            Seconds = seconds,
            Error = error,
        });
    }
}
