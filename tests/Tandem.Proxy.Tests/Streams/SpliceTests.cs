using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Streams.Splice;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

/// <summary>
/// The tcp pump with <c>splice: auto</c> (the kernel moves the bytes on Linux once a direction carries bulk data) and
/// <c>off</c> (a pooled buffer): same bytes, counts, half-close, timeouts. The small-message cases first send 1 MB
/// through the echo so that both directions have gone over to splice.
/// </summary>
[Collection(nameof(SpliceTests))]
public sealed class SpliceTests
{
    private const int Size = 64 << 20;

    private static StreamListenerConfig Stream(SpliceMode mode, TimeSpan? idle = null) => new() { DefaultPool = "app", Splice = mode, IdleTimeout = idle };

    [Theory]
    [InlineData(SpliceMode.Auto)]
    [InlineData(SpliceMode.Off)]
    public async Task Tcp_64MegabytesEachWay_SameBytesArriveAndAreCounted(SpliceMode mode)
    {
        using var server = new HashingServer();
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([server.Config], stream: Stream(mode)),
            new AccessLogConfig { Path = "access.log", Format = AccessLogFormat.Json });
        var lentBefore = SplicePipes.Lent;
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        var upload = Pattern(1);
        var receiving = ReadAllAsync(client.Socket);
        await client.SendAsync(upload);
        client.Socket.Shutdown(SocketShutdown.Send);
        var received = await receiving;

        // The server answers, after the client's FIN, with 64 MB of its own and then the SHA-256 of what it got.
        Assert.Equal(Size + 32, received.Length);
        Assert.Equal(SHA256.HashData(Pattern(2)), SHA256.HashData(received.AsSpan(0, Size)));
        Assert.Equal(SHA256.HashData(upload), received.AsSpan(Size).ToArray());
        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal(Size, entry.GetProperty("bytes_in").GetInt64());
        Assert.Equal(Size + 32, entry.GetProperty("bytes_out").GetInt64());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        if (mode == SpliceMode.Auto && OperatingSystem.IsLinux())
        {
            Assert.True(SplicePipes.Lent >= lentBefore + 2, "both directions borrowed a pipe");
        }
    }

    [Fact]
    public async Task Tcp_SpliceClientHalfCloses_ServerAnswerStillArrives()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], stream: Stream(SpliceMode.Auto)));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());
        await GoBulkAsync(client);

        await client.SendAsync("last words\n");
        client.Socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("last words", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_SpliceIdleTimeout_ClosesASilentConnectionButNotABusyOne()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], stream: Stream(SpliceMode.Auto, TimeSpan.FromMilliseconds(1500))));
        using var silent = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        using var busy = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await silent.ReadLineAsync());
        Assert.Equal("a", await busy.ReadLineAsync());
        await GoBulkAsync(silent);
        await GoBulkAsync(busy);

        // Spliced bytes count as activity: a connection echoing every 200 ms outlives several idle timeouts' worth
        // of the silent one's life.
        var closed = silent.ClosedWithinAsync(TimeSpan.FromSeconds(20));
        var sent = 0;
        while (!closed.IsCompleted && sent < 100)
        {
            await busy.SendAsync($"ping {sent}\n");
            Assert.Equal($"ping {sent}", await busy.ReadLineAsync());
            sent++;
            await Task.Delay(200);
        }
        Assert.True(await closed);
        await busy.SendAsync("still here\n");
        Assert.Equal("still here", await busy.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_SpliceServerDraining_ExistingConnectionLivesAndNewOnesGoElsewhere()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(), b.Config()], stream: Stream(SpliceMode.Auto)));
        var pool = proxy.Pools.Pools["app"];
        using var first = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        var firstServer = await first.ReadLineAsync();
        await GoBulkAsync(first);

        pool.SetAdminState(pool.FindServer(firstServer!)!, AdminState.Draining);

        for (var i = 0; i < 3; i++)
        {
            using var next = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
            Assert.NotEqual(firstServer, await next.ReadLineAsync());
        }
        await first.SendAsync("still here\n");
        Assert.Equal("still here", await first.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_SpliceServerResets_ClientConnectionIsClosed()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], stream: Stream(SpliceMode.Auto)));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());
        await GoBulkAsync(client);

        a.ResetConnections();

        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Tcp_SpliceClientResets_ServerConnectionIsClosed()
    {
        using var server = new HashingServer();
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([server.Config], stream: Stream(SpliceMode.Auto)));
        var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        await client.SendAsync(new byte[1 << 20]);
        client.Socket.LingerState = new LingerOption(true, 0);
        client.Dispose();

        Assert.True(await server.Ended.WaitAsync(TimeSpan.FromSeconds(10)) >= 0);
    }

    /// <summary>1 MB through the echo and back: reads fill the pump's buffer, so the directions go over to splice.</summary>
    private static async Task GoBulkAsync(StreamClient client)
    {
        var lent = SplicePipes.Lent;
        var payload = new byte[1 << 20];
        var send = client.SendAsync(payload);
        Assert.Equal(payload.Length, (await client.ReadAsync(payload.Length)).Length);
        await send;
        if (OperatingSystem.IsLinux())
        {
            Assert.True(SplicePipes.Lent > lent, "no direction went over to splice");
        }
    }

    private static byte[] Pattern(int seed)
    {
        var data = new byte[Size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static async Task<byte[]> ReadAllAsync(Socket socket)
    {
        var data = new byte[Size + 1024];
        var total = 0;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (total < data.Length)
        {
            var read = await socket.ReceiveAsync(data.AsMemory(total), SocketFlags.None, limit.Token);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return data[..total];
    }

    /// <summary>
    /// One connection at a time on 127.0.0.1: hashes what arrives until the client's FIN (or a reset), then sends
    /// <see cref="Pattern"/>(2) and the SHA-256 of what it got, and closes. <see cref="Ended"/>: bytes received when the client's side ended.
    /// </summary>
    private sealed class HashingServer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly TaskCompletionSource<long> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HashingServer()
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(16);
            Config = new ServerConfig { Name = "hash", Address = new HostPort("127.0.0.1", ((IPEndPoint)_listener.LocalEndPoint!).Port) };
            _ = ServeAsync();
        }

        public ServerConfig Config { get; }

        public Task<long> Ended => _ended.Task;

        private async Task ServeAsync()
        {
            using var socket = await _listener.AcceptAsync();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[64 * 1024];
            long total = 0;
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    total += read;
                }
            }
            catch (SocketException)
            {
                _ended.TrySetResult(total);
                return;
            }
            _ended.TrySetResult(total);
            var answer = Pattern(2);
            for (var sent = 0; sent < answer.Length;)
            {
                sent += await socket.SendAsync(answer.AsMemory(sent), SocketFlags.None);
            }
            await socket.SendAsync(hash.GetHashAndReset(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Both);
        }

        public void Dispose() => _listener.Dispose();
    }
}
