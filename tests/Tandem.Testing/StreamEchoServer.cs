using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>
/// A TCP server on 127.0.0.1 (ephemeral port) for layer-4 tests: each connection first gets <c>NAME\n</c> (so a test
/// sees which server it reached), then every byte is echoed; when the client half-closes, the server sends what is
/// left and closes its side too. With <c>proxyHeader</c>, the first line read is a PROXY v1 header or the first 16+N
/// bytes a v2 one, kept in <see cref="ProxyHeaders"/> and not echoed.
/// </summary>
public sealed class StreamEchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly bool _proxyHeader;
    private readonly List<Socket> _open = [];
    private int _accepted;

    public StreamEchoServer(string name, bool proxyHeader = false)
    {
        Name = name;
        _proxyHeader = proxyHeader;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _loop = AcceptAsync();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>The PROXY headers received, raw bytes, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<byte[]> ProxyHeaders { get; } = new();

    public ServerConfig Config(int? weight = null, bool backup = false, int? maxConnections = null) =>
        new() { Name = Name, Address = new HostPort("127.0.0.1", Port), Weight = weight, Backup = backup, MaxConnections = maxConnections };

    /// <summary>Closes every open connection abruptly (a server crash as its clients see it).</summary>
    public void ResetConnections()
    {
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }
            _open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            lock (_open)
            {
                _open.Add(socket);
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            if (_proxyHeader)
            {
                ProxyHeaders.Enqueue(await ReadProxyHeaderAsync(socket));
            }
            await socket.SendAsync(Encoding.ASCII.GetBytes(Name + "\n"), SocketFlags.None);
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }
                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(socket);
            }
            socket.Dispose();
        }
    }

    private static async Task<byte[]> ReadProxyHeaderAsync(Socket socket)
    {
        var first = new byte[16];
        await ReadExactlyAsync(socket, first.AsMemory(0, 1));
        if (first[0] == (byte)'P')
        {
            var line = new List<byte> { first[0] };
            while (line.Count < 108 && !(line.Count >= 2 && line[^2] == '\r' && line[^1] == '\n'))
            {
                await ReadExactlyAsync(socket, first.AsMemory(1, 1));
                line.Add(first[1]);
            }
            return [.. line];
        }
        await ReadExactlyAsync(socket, first.AsMemory(1, 15));
        var rest = new byte[(first[14] << 8) | first[15]];
        await ReadExactlyAsync(socket, rest);
        return [.. first, .. rest];
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            buffer = buffer[read..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        ResetConnections();
        _stop.Dispose();
    }
}
