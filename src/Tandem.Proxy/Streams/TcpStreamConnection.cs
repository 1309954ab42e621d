using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Streams.ProxyProtocol;

namespace Tandem.Proxy.Streams;

/// <summary>
/// One client connection of a tcp or tls-passthrough listener, from accept to close: admission (the listener's policies, on
/// the real client address), the preread (PROXY
/// header from a trusted sender, ClientHello for SNI), the route, the server (the pool's balancer; a failed connect
/// counts against that server and the next one is tried), the PROXY header to the server, then bytes both ways.
/// Concurrency: its two pumps run at once; <see cref="Abort"/> and <see cref="IdleFor"/> may be called from the
/// listener's sweep; the counters have one writer each.
/// </summary>
internal sealed class TcpStreamConnection(Socket client, StreamSettings settings, TcpStreamListener listener) : IStreamActivity
{
    private readonly TimeProvider _time = listener.Time;
    private readonly long _started = listener.Time.GetTimestamp();
    private long _lastActivity = listener.Time.GetTimestamp();
    private long _bytesIn;
    private long _bytesOut;
    private Socket? _server;
    private int _aborted;
    private RequestError _abortReason;

    public void Moved(int bytes, bool fromClient)
    {
        if (fromClient)
        {
            _bytesIn += bytes;
        }
        else
        {
            _bytesOut += bytes;
        }
        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
    }

    /// <summary>How long neither side has sent a byte.</summary>
    public TimeSpan IdleFor(long now) => _time.GetElapsedTime(Volatile.Read(ref _lastActivity), now);

    public TimeSpan IdleTimeout { get; private set; } = settings.IdleTimeout;

    /// <summary>Closes both sides (idle timeout, drain cut-off); the pumps then end.</summary>
    public void Abort(RequestError reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        _abortReason = reason;
        client.Dispose();
        Volatile.Read(ref _server)?.Dispose();
    }

    public async Task RunAsync()
    {
        var peer = client.RemoteEndPoint as IPEndPoint;
        var record = new RecordParts { Client = peer };
        var prefix = ArrayPool<byte>.Shared.Rent(ClientHelloParserLimit);
        ServerState? server = null;
        PoolState? pool = null;
        try
        {
            client.NoDelay = true;
            // A trusted PROXY sender is not the client: its header names the one the policies check. Anyone else is
            // checked before a byte is read.
            var fromProxy = peer is not null && settings.TrustsProxyHeaderFrom(peer.Address);
            if (peer is not null && !fromProxy && !Admit(peer, record))
            {
                return;
            }
            var preread = await StreamPreread.ReadAsync(client, peer, settings, prefix, _time);
            if (preread.Error is { } refused)
            {
                StreamLog.Refused(listener.Logger, settings.Config.Name, peer, refused);
                record.Error = RequestError.BadRequest;
                return;
            }
            record.Client = preread.Client ?? peer;
            if (fromProxy && record.Client is { } real && !Admit(real, record))
            {
                return;
            }
            record.ServerName = preread.ServerName;
            pool = settings.Router.Route(preread.ServerName);
            record.Pool = pool;
            if (pool is null)
            {
                StreamLog.Refused(listener.Logger, settings.Config.Name, peer, "no route for server name '" + preread.ServerName + "'");
                record.Error = RequestError.NoServer;
                return;
            }
            if (settings.Config.Stream?.IdleTimeout is null && pool.Config.Timeouts?.Idle is { } poolIdle)
            {
                IdleTimeout = poolIdle;
            }
            (server, var upstream) = await ConnectAsync(pool, record.Client);
            record.Server = server;
            if (upstream is null)
            {
                record.Error = server is null ? RequestError.NoServer : RequestError.ConnectFailed;
                server = null;
                return;
            }
            Volatile.Write(ref _server, upstream);
            if (Volatile.Read(ref _aborted) != 0)
            {
                upstream.Dispose();
                return;
            }
            await SendPrefixAsync(pool, upstream, record.Client, prefix.AsMemory(preread.Consumed, preread.Length - preread.Consumed));
            ArrayPool<byte>.Shared.Return(prefix);
            prefix = null;
            record.Error = await PumpAsync(client, upstream);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            record.Error = Volatile.Read(ref _aborted) != 0 ? _abortReason : RequestError.ClientAborted;
        }
        finally
        {
            if (prefix is not null)
            {
                ArrayPool<byte>.Shared.Return(prefix);
            }
            var seconds = _time.GetElapsedTime(_started).TotalSeconds;
            if (server is not null && pool is not null)
            {
                server.RequestCompleted(200, serverFailed: false, seconds);
                OutlierDetector.Record(pool, server, 200, serverFailed: false);
            }
            client.Dispose();
            Volatile.Read(ref _server)?.Dispose();
            listener.Telemetry.Ended(new StreamRecord
            {
                Protocol = settings.ProtocolName,
                Pool = record.Pool,
                Server = record.Server,
                Client = record.Client,
                ServerName = record.ServerName,
                BytesIn = _bytesIn,
                BytesOut = _bytesOut,
                Seconds = seconds,
                Error = Volatile.Read(ref _aborted) != 0 ? _abortReason : record.Error,
                Policy = record.Policy,
                PolicyReason = record.PolicyReason,
            });
        }
    }

    /// <summary>The listener's policies for <paramref name="client"/>; a refusal is written into <paramref name="record"/>.</summary>
    private bool Admit(IPEndPoint client, RecordParts record)
    {
        if (settings.Admission is not { } admission || admission.Admit(client, out var policy, out var verdict))
        {
            return true;
        }
        record.Error = verdict.Status == 429 ? RequestError.RateLimited : RequestError.PolicyDenied;
        record.Policy = policy;
        record.PolicyReason = verdict.Reason;
        return false;
    }

    private const int ClientHelloParserLimit = Tls.ClientHelloParser.MaxHandshake + 5 * 4 + ProxyHeaderParser.MaxV2;

    /// <summary>
    /// Picks and connects to a server; a server that refuses or times out is counted failed (passive health) and
    /// another is tried, each at most once. Returns the server counted in flight and its socket, or the last server
    /// tried (not counted) and null, or (null, null) when no server was usable.
    /// </summary>
    private async Task<(ServerState? Server, Socket? Socket)> ConnectAsync(PoolState pool, IPEndPoint? clientEndPoint)
    {
        var selection = new SelectionState();
        var address = clientEndPoint?.Address;
        selection.Begin(pool.UsesHash && address is not null ? new SelectionContext(address, ClientHash.Of(address)) : new SelectionContext(address));
        var timeout = StreamSettings.ConnectTimeout(pool.Config);
        ServerState? last = null;
        for (var attempt = 0; attempt < pool.Servers.Count; attempt++)
        {
            var server = ServerPicker.Acquire(pool, selection);
            if (server is null)
            {
                break;
            }
            selection.Tried(server);
            last = server;
            var started = _time.GetTimestamp();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var limit = new CancellationTokenSource(timeout, _time);
            try
            {
                await ServerSockets.ConnectAsync(socket, server, limit.Token);
                return (server, socket);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                var reason = ex is OperationCanceledException ? $"timed out after {timeout.TotalMilliseconds:0} ms" : ((SocketException)ex).SocketErrorCode.ToString();
                StreamLog.ConnectFailed(listener.Logger, settings.Config.Name, pool.Name, server.Name, reason);
                server.RequestCompleted(502, serverFailed: true, _time.GetElapsedTime(started).TotalSeconds);
                OutlierDetector.Record(pool, server, 502, serverFailed: true);
            }
        }
        if (last is null)
        {
            StreamLog.NoServer(listener.Logger, settings.Config.Name, pool.Name, clientEndPoint);
        }
        return (last, null);
    }

    /// <summary>The PROXY header (with <c>send-proxy</c>), then what the preread took from the client (a ClientHello), in one send.</summary>
    private async Task SendPrefixAsync(PoolState pool, Socket upstream, IPEndPoint? clientEndPoint, ReadOnlyMemory<byte> pending)
    {
        if (pool.Config.SendProxy == ProxyProtocolVersion.None)
        {
            if (!pending.IsEmpty)
            {
                await SendAllAsync(upstream, pending);
                Moved(pending.Length, fromClient: true);
            }
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ProxyHeaderWriter.MaxLength + pending.Length);
        try
        {
            var length = ProxyHeaderWriter.Write(pool.Config.SendProxy, clientEndPoint, client.LocalEndPoint as IPEndPoint, buffer);
            pending.CopyTo(buffer.AsMemory(length));
            await SendAllAsync(upstream, buffer.AsMemory(0, length + pending.Length));
            Moved(pending.Length, fromClient: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            data = data[await socket.SendAsync(data, SocketFlags.None)..];
        }
    }

    /// <summary>Both directions until both sides closed theirs; a failure of either closes both.</summary>
    private async Task<RequestError> PumpAsync(Socket from, Socket to)
    {
        var splice = settings.Splice && Splice.SplicePipes.Available;
        if (splice)
        {
            // splice(2) must never block a pool thread: the sockets' descriptors are made nonblocking up front (only
            // async calls are made on them, which the runtime completes through its event loop either way).
            from.Blocking = false;
            to.Blocking = false;
        }
        var up = StreamPump.CopyAsync(from, to, this, fromClient: true, splice);
        var down = StreamPump.CopyAsync(to, from, this, fromClient: false, splice);
        var first = await Task.WhenAny(up, down);
        if (first.IsFaulted)
        {
            Abort(first == up ? RequestError.ClientAborted : RequestError.ServerFailed);
        }
        try
        {
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            Abort(up.IsFaulted ? RequestError.ClientAborted : RequestError.ServerFailed);
        }
        return Volatile.Read(ref _aborted) != 0 ? _abortReason : RequestError.None;
    }

    /// <summary>What the access-log line is built from, filled in as the connection goes.</summary>
    private sealed class RecordParts
    {
        public IPEndPoint? Client { get; set; }

        public string? ServerName { get; set; }

        public PoolState? Pool { get; set; }

        public ServerState? Server { get; set; }

        public RequestError Error { get; set; }

        public string? Policy { get; set; }

        public string? PolicyReason { get; set; }
    }
}
