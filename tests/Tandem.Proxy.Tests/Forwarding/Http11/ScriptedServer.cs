using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that answers each request with the bytes a test picks from its head (so a test
/// controls framing byte for byte), reads a Content-Length request body, and records every head and body and the
/// number of connections: what a server behind the lean path saw, and whether its connection was kept.
/// At most 100 connections and 100 requests a connection; every wait ends when the server is disposed.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, Reply> _answer;
    private readonly List<Request> _requests = [];
    private readonly Task _accepting;
    private int _connections;

    /// <param name="answer">The reply to a request head (Latin-1 text, up to and including the blank line).</param>
    public ScriptedServer(Func<string, Reply> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The same reply to every request.</summary>
    public ScriptedServer(string response, bool close = false)
        : this(_ => new Reply(response, close))
    {
    }

    /// <summary>What to send back; with <see cref="Close"/> the connection is closed right after it.</summary>
    public sealed record Reply(byte[] Bytes, bool Close = false)
    {
        public Reply(string text, bool close = false)
            : this(Encoding.Latin1.GetBytes(text), close)
        {
        }
    }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>A request received: its head, its body, and which connection (1 for the first accepted) carried it.</summary>
    public sealed record Request(string Head, byte[] Body, int Connection);

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public ServerConfig ServerConfig() =>
        new() { Name = "scripted", Address = new HostPort("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port) };

    private async Task AcceptAsync()
    {
        try
        {
            for (var i = 0; i < 100; i++)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket, Interlocked.Increment(ref _connections));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        using var _ = socket;
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            for (var requests = 0; requests < 100; requests++)
            {
                int end;
                while ((end = received.GetBuffer().AsSpan(0, (int)received.Length).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    received.Write(buffer, 0, read);
                }
                var head = Encoding.Latin1.GetString(received.GetBuffer(), 0, end + 4);
                var length = ContentLength(head);
                while (received.Length < end + 4 + length)
                {
                    var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    received.Write(buffer, 0, read);
                }
                var body = received.GetBuffer().AsSpan(end + 4, (int)length).ToArray();
                var rest = received.GetBuffer().AsSpan(end + 4 + (int)length, (int)received.Length - end - 4 - (int)length).ToArray();
                received.SetLength(0);
                received.Write(rest);
                lock (_requests)
                {
                    _requests.Add(new Request(head, body, connection));
                }
                var reply = _answer(head);
                await socket.SendAsync(reply.Bytes, SocketFlags.None, _stop.Token);
                if (reply.Close)
                {
                    await CloseAsync(socket, buffer);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the sending side and reads until the peer closes (bounded), so unread bytes never turn the close into a reset.</summary>
    private async Task CloseAsync(Socket socket, byte[] buffer)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        bound.CancelAfter(DrainBound);
        for (var reads = 0; reads < 64; reads++)
        {
            if (await socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token) == 0)
            {
                return;
            }
        }
    }

    private static long ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
