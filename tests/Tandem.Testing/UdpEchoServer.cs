using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>A UDP server on 127.0.0.1 answering each datagram with <c>NAME:</c> and the datagram; it remembers who sent what.</summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _received;

    public UdpEchoServer(string name)
    {
        Name = name;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = ServeAsync();
    }

    public string Name { get; }

    public int Port { get; }

    public int Received => Volatile.Read(ref _received);

    /// <summary>The distinct source ports seen (one per proxy session).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, byte> Sources { get; } = new();

    public ServerConfig Config(int? weight = null) => new() { Name = Name, Address = new HostPort("127.0.0.1", Port), Weight = weight };

    private async Task ServeAsync()
    {
        var buffer = new byte[65536];
        var prefix = Encoding.ASCII.GetBytes(Name + ":");
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Interlocked.Increment(ref _received);
                Sources.TryAdd(((IPEndPoint)result.RemoteEndPoint).Port, 0);
                var answer = prefix.Concat(buffer.AsSpan(0, result.ReceivedBytes).ToArray()).ToArray();
                await _socket.SendToAsync(answer, SocketFlags.None, result.RemoteEndPoint, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>Sends <paramref name="text"/> from <paramref name="client"/> to <paramref name="endPoint"/> and returns the answer, or null after the timeout.</summary>
    public static async Task<string?> AskAsync(Socket client, string endPoint, string text, TimeSpan? timeout = null)
    {
        await client.SendToAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None, IPEndPoint.Parse(endPoint));
        var buffer = new byte[65536];
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            var result = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), limit.Token);
            if (!result.RemoteEndPoint.Equals(IPEndPoint.Parse(endPoint)))
            {
                return "from " + result.RemoteEndPoint;
            }
            return Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static Socket Client()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}
