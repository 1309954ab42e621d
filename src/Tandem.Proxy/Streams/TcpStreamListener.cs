using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Proxy.Streams;

/// <summary>
/// A tcp or tls-passthrough listener: its own accept loop on a socket from the <see cref="ListenSocketRegistry"/> (so
/// a restart's successor takes the socket over), one <see cref="TcpStreamConnection"/> per client, the idle sweep and
/// the drain on stop. A reload swaps its <see cref="StreamSettings"/>: connections keep the ones they started with.
/// Kestrel's connection middleware was not used: its socket transport closes both directions when the output ends,
/// which breaks half-close, and its pipes add a copy per chunk that a byte pump does not need.
/// Concurrency: settings are swapped atomically; connections are tracked in a concurrent set.
/// </summary>
internal sealed class TcpStreamListener : IStreamListener, IStopAccepting, IDisposable
{
    private const string Kind = "tcp";
    private readonly Socket _socket;
    private readonly ListenSocketRegistry _registry;
    private readonly string _key;
    private readonly ConcurrentDictionary<TcpStreamConnection, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private StreamSettings _settings;
    private long _count;
    private Task _accepting = Task.CompletedTask;
    private Task _sweeping = Task.CompletedTask;

    private TcpStreamListener(Socket socket, ListenSocketRegistry registry, string key, StreamSettings settings, StreamServices services)
    {
        _socket = socket;
        _registry = registry;
        _key = key;
        _settings = settings;
        Time = services.Time;
        Logger = services.Logger;
        Telemetry = services.Telemetry.ForStream(settings.Config.Name);
        BoundEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public IStreamTelemetry Telemetry { get; }

    public IPEndPoint BoundEndPoint { get; }

    public StreamSettings Settings => Volatile.Read(ref _settings);

    /// <summary>Connections open now.</summary>
    public long OpenConnections => Interlocked.Read(ref _count);

    /// <summary>Binds (or adopts a predecessor's socket); takes no connection until <see cref="Activate"/>.</summary>
    public static TcpStreamListener Bind(StreamSettings settings, StreamServices services)
    {
        var bind = settings.Config.Bind;
        var endPoint = new IPEndPoint(bind.Ip ?? IPAddress.Loopback, bind.Port);
        var socket = services.Registry.CreateBound(Kind, endPoint);
        var key = ListenSocketRegistry.KeyOf(Kind, endPoint);
        try
        {
            socket.Listen(4096);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new TcpStreamListener(socket, services.Registry, key, settings, services);
        services.Registry.Attach(key, listener);
        return listener;
    }

    public void Activate()
    {
        _accepting = AcceptLoopAsync();
        _sweeping = SweepLoopAsync();
        StreamLog.Started(Logger, Settings.ProtocolName, Settings.Config.Name, BoundEndPoint);
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

    /// <summary>Stops accepting, lets connections run until <paramref name="drain"/>, then closes the rest.</summary>
    /// <returns>False when connections had to be cut off.</returns>
    public async Task<bool> StopAsync(TimeSpan drain)
    {
        StopAccepting();
        await _accepting;
        _registry.Release(_key, this);
        _socket.Dispose();
        var start = Time.GetTimestamp();
        while (Interlocked.Read(ref _count) > 0 && Time.GetElapsedTime(start) < drain)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), Time);
        }
        var drained = Interlocked.Read(ref _count) == 0;
        foreach (var connection in _open.Keys)
        {
            connection.Abort(RequestError.ClientAborted);
        }
        await _sweeping;
        Dispose();
        StreamLog.Stopped(Logger, Settings.ProtocolName, Settings.Config.Name);
        return drained;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A client that reset before accept, or a transient shortage (EMFILE): keep listening.
                var error = ex.SocketErrorCode;
                StreamLog.AcceptFailed(Logger, Settings.Config.Name, error);
                await Task.Delay(TimeSpan.FromMilliseconds(10), Time);
                continue;
            }
            var settings = Settings;
            if (Interlocked.Read(ref _count) >= settings.MaxConnections)
            {
                var refused = client.RemoteEndPoint;
                StreamLog.Full(Logger, settings.Config.Name, settings.MaxConnections, refused);
                client.Dispose();
                continue;
            }
            _ = RunAsync(new TcpStreamConnection(client, settings, this));
        }
    }

    private async Task RunAsync(TcpStreamConnection connection)
    {
        Interlocked.Increment(ref _count);
        _open.TryAdd(connection, 0);
        Telemetry.Opened();
        try
        {
            await Task.Yield(); // off the accept loop
            await connection.RunAsync();
        }
        catch (Exception ex)
        {
            StreamLog.LoopFailed(Logger, Settings.Config.Name, ex);
        }
        finally
        {
            _open.TryRemove(connection, out _);
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Closes connections idle past their timeout, checking a few times per timeout (at most once a second).</summary>
    private async Task SweepLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var period = TimeSpan.FromTicks(Math.Clamp(Settings.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 20, TimeSpan.TicksPerSecond));
                await Task.Delay(period, Time, _stop.Token);
                var now = Time.GetTimestamp();
                foreach (var connection in _open.Keys)
                {
                    if (connection.IdleFor(now) >= connection.IdleTimeout)
                    {
                        connection.Abort(RequestError.IdleClosed);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
