using System.Net;
using System.Net.Sockets;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>A server that accepts connections on 127.0.0.1 and never answers: a hung backend.</summary>
public sealed class HungServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public HungServer(string name = "hung")
    {
        Name = name;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public HostPort Address => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    public ServerConfig ServerConfig() => new() { Name = Name, Address = Address };

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(socket);
                    Accepted++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }
        _stop.Dispose();
    }
}
