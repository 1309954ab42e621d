using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Testing;

/// <summary>A raw TCP client for layer-4 tests, every read bounded by a timeout.</summary>
public sealed class StreamClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private StreamClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<StreamClient> ConnectAsync(string endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(IPEndPoint.Parse(endPoint), limit.Token);
        return new StreamClient(socket);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] data)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await Socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Reads one line (without its newline); null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var line = new StringBuilder();
        var one = new byte[1];
        using var limit = new CancellationTokenSource(Timeout);
        while (true)
        {
            var read = await Socket.ReceiveAsync(one, SocketFlags.None, limit.Token);
            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }
            if (one[0] == '\n')
            {
                return line.ToString();
            }
            line.Append((char)one[0]);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fewer when the stream ends first.</summary>
    public async Task<byte[]> ReadAsync(int count)
    {
        var buffer = new byte[count];
        var total = 0;
        using var limit = new CancellationTokenSource(Timeout);
        while (total < count)
        {
            var read = await Socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, limit.Token);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return buffer[..total];
    }

    /// <summary>Whether the peer closed the connection (end of stream or reset) within <paramref name="within"/>.</summary>
    public async Task<bool> ClosedWithinAsync(TimeSpan within)
    {
        var buffer = new byte[256];
        using var limit = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                if (await Socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => Socket.Dispose();
}
