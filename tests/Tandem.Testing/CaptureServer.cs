using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that records the exact bytes of each request head it receives (up to and
/// including the blank line), reads and discards a Content-Length body, and answers <c>200 ok</c> on a kept-alive
/// connection. For tests that assert what reaches a server byte for byte.
/// </summary>
public sealed class CaptureServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<byte[]> _heads = [];
    private readonly List<Socket> _open = [];
    private readonly Task _accepting;

    public CaptureServer(string name = "capture")
    {
        Name = name;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public HostPort Address => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port);

    public ServerConfig ServerConfig() => new() { Name = Name, Address = Address };

    /// <summary>The request heads received so far, in order, as raw bytes.</summary>
    public IReadOnlyList<byte[]> Heads
    {
        get
        {
            lock (_heads)
            {
                return [.. _heads];
            }
        }
    }

    /// <summary>The request heads as Latin-1 text (one char per byte, so nothing is hidden).</summary>
    public IReadOnlyList<string> HeadTexts => Heads.Select(h => Encoding.Latin1.GetString(h)).ToList();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_open)
                {
                    _open.Add(socket);
                }
                _ = ServeAsync(socket);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    filled += read;
                }
                var headLength = end + 4;
                var head = buffer.AsSpan(0, headLength).ToArray();
                lock (_heads)
                {
                    _heads.Add(head);
                }
                var body = ContentLength(head);
                var rest = filled - headLength;
                buffer.AsSpan(headLength, rest).CopyTo(buffer);
                filled = rest;
                while (body > filled)
                {
                    body -= filled;
                    filled = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (filled == 0)
                    {
                        return;
                    }
                }
                buffer.AsSpan((int)body, filled - (int)body).CopyTo(buffer);
                filled -= (int)body;
                await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static long ContentLength(byte[] head)
    {
        foreach (var line in Encoding.Latin1.GetString(head).Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }
        }
        _stop.Dispose();
    }
}
