using System.Net;
using System.Net.Sockets;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>
/// A raw TCP server on 127.0.0.1 that accepts connections, counts every byte it receives and never answers: a server
/// behind the proxy for tests that assert what did (or did not) reach it.
/// </summary>
public sealed class SinkServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _bytes;
    private int _connections;

    public SinkServer(string name = "sink")
    {
        Name = name;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public HostPort Address => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    public ServerConfig ServerConfig() => new() { Name = Name, Address = Address };

    /// <summary>Bytes received so far, over every connection.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        var open = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                open.Add(DrainAsync(socket));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(open);
    }

    private async Task DrainAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
                {
                    Interlocked.Add(ref _bytes, read);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
