using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Streams.ProxyProtocol;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

public sealed class L4FeatureTests
{
    [Fact]
    public async Task TlsPassthrough_RoutesBySni_ExactWildcardAndDefault()
    {
        await using var a = new TlsTestServer("a", "a.example.com");
        await using var b = new TlsTestServer("b", "b.example.com");
        await using var fallback = new TlsTestServer("fallback", "other.example.org");
        var config = new TandemConfig
        {
            Listeners =
            [
                new ListenerConfig
                {
                    Name = "tls", Bind = new HostPort("127.0.0.1", 0), Pool = "fallback", Protocol = ListenerProtocol.TlsPassthrough,
                    Stream = new StreamListenerConfig
                    {
                        DefaultPool = "fallback",
                        Routes = [new SniRouteConfig { Sni = "a.example.com", Pool = "a" }, new SniRouteConfig { Sni = "*.example.com", Pool = "b" }],
                    },
                },
            ],
            Pools = [Pool("a", a.Port), Pool("b", b.Port), Pool("fallback", fallback.Port)],
            Version = "test",
        };
        await using var proxy = await ProxyHarness.StartAsync(config);
        var bound = proxy.Runtime.Listeners[0].Bound;

        Assert.Equal("a a.example.com", await TlsTestServer.AskAsync(bound, "a.example.com"));
        Assert.Equal("b x.example.com", await TlsTestServer.AskAsync(bound, "x.example.com"));
        Assert.Equal("b deep.x.example.com", await TlsTestServer.AskAsync(bound, "deep.x.example.com"));
        Assert.Equal("fallback example.com", await TlsTestServer.AskAsync(bound, "example.com"));
    }

    [Fact]
    public async Task TlsPassthrough_NotTls_ConnectionClosedWithoutReachingAServer()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], protocol: ListenerProtocol.TlsPassthrough));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        await client.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, a.Accepted);
    }

    [Theory]
    [InlineData(ProxyProtocolVersion.V1)]
    [InlineData(ProxyProtocolVersion.V2)]
    public async Task SendProxy_ServerGetsTheClientAddressFirst(ProxyProtocolVersion version)
    {
        await using var a = new StreamEchoServer("a", proxyHeader: true);
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], pool: p => p with { SendProxy = version }));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());

        Assert.True(a.ProxyHeaders.TryDequeue(out var header));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(header, out _, out var source));
        Assert.Equal((IPEndPoint)client.Socket.LocalEndPoint!, source);
    }

    [Fact]
    public async Task AcceptProxy_TrustedSender_ItsClientAddressIsPassedOn()
    {
        await using var a = new StreamEchoServer("a", proxyHeader: true);
        var stream = new StreamListenerConfig { DefaultPool = "app", AcceptProxy = [IPNetwork.Parse("127.0.0.0/8")] };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], pool: p => p with { SendProxy = ProxyProtocolVersion.V1 }, stream: stream));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        await client.SendAsync("PROXY TCP4 203.0.113.9 10.0.0.1 40000 443\r\nhello\n");

        Assert.Equal("a", await client.ReadLineAsync());
        Assert.Equal("hello", await client.ReadLineAsync());
        Assert.True(a.ProxyHeaders.TryDequeue(out var header));
        Assert.StartsWith("PROXY TCP4 203.0.113.9 ", Encoding.ASCII.GetString(header), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptProxy_TrustedSenderWithoutHeader_Closed()
    {
        await using var a = new StreamEchoServer("a");
        var stream = new StreamListenerConfig { DefaultPool = "app", AcceptProxy = [IPNetwork.Parse("127.0.0.1/32")] };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], stream: stream));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        await client.SendAsync("hello\r\n");

        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, a.Accepted);
    }

    [Fact]
    public async Task Udp_DatagramsBalancedPerFlow_RepliesComeFromTheListener()
    {
        await using var a = new UdpEchoServer("a");
        await using var b = new UdpEchoServer("b");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(), b.Config()], protocol: ListenerProtocol.Udp));
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var one = UdpEchoServer.Client();
        using var two = UdpEchoServer.Client();

        var first = await UdpEchoServer.AskAsync(one, bound, "q1");
        Assert.NotNull(first);
        var server = first![..first.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal(server + ":q2", await UdpEchoServer.AskAsync(one, bound, "q2"));
        var other = await UdpEchoServer.AskAsync(two, bound, "q3");
        Assert.NotNull(other);
        Assert.False(other!.StartsWith(server + ":", StringComparison.Ordinal));
        Assert.Equal(3, a.Received + b.Received);
    }

    [Fact]
    public async Task Udp_MaxSessions_NewClientBeyondItGetsNoAnswer()
    {
        await using var a = new UdpEchoServer("a");
        var stream = new StreamListenerConfig { DefaultPool = "app", MaxSessions = 1 };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], protocol: ListenerProtocol.Udp, stream: stream));
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var one = UdpEchoServer.Client();
        using var two = UdpEchoServer.Client();

        Assert.Equal("a:x", await UdpEchoServer.AskAsync(one, bound, "x"));
        Assert.Null(await UdpEchoServer.AskAsync(two, bound, "y", TimeSpan.FromMilliseconds(500)));
        Assert.Equal("a:z", await UdpEchoServer.AskAsync(one, bound, "z"));
    }

    [Fact]
    public async Task Udp_IdleSession_ForgottenThenANewOneOpens()
    {
        await using var a = new UdpEchoServer("a");
        var stream = new StreamListenerConfig { DefaultPool = "app", IdleTimeout = TimeSpan.FromMilliseconds(200) };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], protocol: ListenerProtocol.Udp, stream: stream));
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var one = UdpEchoServer.Client();

        Assert.Equal("a:x", await UdpEchoServer.AskAsync(one, bound, "x"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (a.Sources.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(300);
            Assert.Equal("a:y", await UdpEchoServer.AskAsync(one, bound, "y"));
        }
        Assert.Equal(2, a.Sources.Count);
    }

    [Fact]
    public async Task TcpHealth_SendExpect_ServerWithoutTheAnswerGoesDown()
    {
        await using var pong = new PongServer("+PONG\r\n");
        await using var wrong = new PongServer("-ERR\r\n");
        var health = new HealthConfig
        {
            Type = HealthCheckType.Tcp, Send = "PING\r\n", Expect = "+PONG", Interval = TimeSpan.FromMilliseconds(100),
            Timeout = TimeSpan.FromSeconds(2), Rise = 1, Fall = 1,
        };
        ServerConfig[] servers =
        [
            new() { Name = "pong", Address = new HostPort("127.0.0.1", pong.Port) },
            new() { Name = "wrong", Address = new HostPort("127.0.0.1", wrong.Port) },
        ];
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp(servers, pool: p => p with { Health = health }));
        var pool = proxy.Pools.Pools["app"];

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (pool.FindServer("wrong")!.Health != HealthStatus.Down && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }
        Assert.Equal(HealthStatus.Down, pool.FindServer("wrong")!.Health);
        Assert.Equal(HealthStatus.Up, pool.FindServer("pong")!.Health);
    }

    private static PoolConfig Pool(string name, int port) =>
        new() { Name = name, Algorithm = BalancingAlgorithms.RoundRobin, Servers = [new ServerConfig { Name = name, Address = new HostPort("127.0.0.1", port) }] };

    /// <summary>Answers every connection's first bytes with a fixed line, as a Redis answers PING.</summary>
    private sealed class PongServer : IAsyncDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public PongServer(string answer)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(64);
            Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
            _loop = LoopAsync(Encoding.ASCII.GetBytes(answer));
        }

        public int Port { get; }

        private async Task LoopAsync(byte[] answer)
        {
            var buffer = new byte[256];
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await _listener.AcceptAsync(_stop.Token);
                    await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    await socket.SendAsync(answer, SocketFlags.None, _stop.Token);
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

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            await _loop;
            _stop.Dispose();
        }
    }
}
