using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

/// <summary>Redis and dnsmasq, started from their Debian packages, behind tcp and udp pools.</summary>
public sealed class RealPeerTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);

    [RequiresFact("redis-server", "redis-cli")]
    public async Task Redis_PingSetGetAndFailover_ThroughATcpPool()
    {
        Requirements.Check(["redis-server", "redis-cli"]);
        var ports = new[] { TestHttp.FreePort(), TestHttp.FreePort() };
        using var one = PeerProcess.Start("redis-server", "--port", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        using var two = PeerProcess.Start("redis-server", "--port", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        var health = new HealthConfig
        {
            // Fall 3 with a generous timeout: one check slowed by a loaded machine must not take a live server out, or
            // ip-hash would send the STRLEN below to the other server than the SET.
            Type = HealthCheckType.Tcp, Send = "PING\r\n", Expect = "+PONG", Interval = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromSeconds(3), Rise = 1, Fall = 3,
        };
        ServerConfig[] servers =
        [
            new() { Name = "one", Address = new HostPort("127.0.0.1", ports[0]) },
            new() { Name = "two", Address = new HostPort("127.0.0.1", ports[1]) },
        ];
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp(servers, BalancingAlgorithms.IpHash, pool: p => p with { Health = health }));
        var port = proxy.Runtime.Listeners[0].Bound.Split(':')[1];
        var pool = proxy.Pools.Pools["app"];
        Assert.True(await TestHttp.WaitUntilAsync(async () => (await Cli(port, "PING")).Output.Contains("PONG", StringComparison.Ordinal), ToolTimeout));
        // Both servers up before the SET: a server still starting when the first check ran is down until the next one,
        // and ip-hash over one usable server hashes elsewhere than over two (the SET and the STRLEN would part).
        Assert.True(await TestHttp.WaitUntilAsync(
            () => Task.FromResult(pool.FindServer("one")!.Health == HealthStatus.Up && pool.FindServer("two")!.Health == HealthStatus.Up), ToolTimeout));

        var value = new string('x', 1024 * 1024);
        var set = await PeerProcess.RunAsync("redis-cli", ToolTimeout, value, "-p", port, "-x", "SET", "big");
        Assert.Contains("OK", set.Output, StringComparison.Ordinal);
        // ip-hash: every connection from 127.0.0.1 reaches the same server.
        Assert.Equal("1048576", (await Cli(port, "STRLEN", "big")).Output.Trim());
        var info = (await Cli(port, "INFO", "server")).Output;
        var hashed = info.Contains("tcp_port:" + ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) ? "one" : "two";

        (hashed == "one" ? one : two).Kill();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pool.FindServer(hashed)!.Health == HealthStatus.Down), ToolTimeout));
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains("PONG", (await Cli(port, "PING")).Output, StringComparison.Ordinal);
        }
        Assert.Equal("0", (await Cli(port, "STRLEN", "big")).Output.Trim());
    }

    [RequiresFact("dnsmasq", "dig")]
    public async Task Dnsmasq_QueriesAndFailover_ThroughAUdpPool()
    {
        Requirements.Check(["dnsmasq", "dig"]);
        var ports = new[] { TestHttp.FreePort(), TestHttp.FreePort() };
        using var one = Dnsmasq(ports[0], "10.0.0.1");
        using var two = Dnsmasq(ports[1], "10.0.0.2");
        var health = new HealthConfig
        {
            Type = HealthCheckType.Udp, Send = "hex:" + DnsQueryHex, Expect = "hex:1234", Interval = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromSeconds(2), Rise = 1, Fall = 1,
        };
        ServerConfig[] servers =
        [
            new() { Name = "one", Address = new HostPort("127.0.0.1", ports[0]) },
            new() { Name = "two", Address = new HostPort("127.0.0.1", ports[1]) },
        ];
        var stream = new StreamListenerConfig { DefaultPool = "app", IdleTimeout = TimeSpan.FromMilliseconds(500) };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp(servers, BalancingAlgorithms.IpHash, pool: p => p with { Health = health },
            protocol: ListenerProtocol.Udp, stream: stream));
        var port = proxy.Runtime.Listeners[0].Bound.Split(':')[1];
        var pool = proxy.Pools.Pools["app"];

        string first = "";
        Assert.True(await TestHttp.WaitUntilAsync(async () => (first = (await Dig(port)).Output.Trim()).StartsWith("10.0.0.", StringComparison.Ordinal), ToolTimeout));
        var (dead, survivor, answer) = first == "10.0.0.1" ? (one, "two", "10.0.0.2") : (two, "one", "10.0.0.1");
        dead.Kill();

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pool.FindServer(survivor == "one" ? "two" : "one")!.Health == HealthStatus.Down), ToolTimeout));
        Assert.True(await TestHttp.WaitUntilAsync(async () => (await Dig(port)).Output.Trim() == answer, ToolTimeout));
    }

    /// <summary>A query for A example.test with id 0x1234.</summary>
    private const string DnsQueryHex = "123401000001000000000000076578616d706c65047465737400" + "00010001";

    private static PeerProcess Dnsmasq(int port, string address) =>
        PeerProcess.Start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=127.0.0.1", "--port=" + port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--pid-file=",
            "--address=/example.test/" + address);

    private static Task<(int ExitCode, string Output)> Dig(string port) =>
        PeerProcess.RunAsync("dig", ToolTimeout, null, "@127.0.0.1", "-p", port, "example.test", "A", "+short", "+tries=1", "+time=1");

    private static Task<(int ExitCode, string Output)> Cli(string port, params string[] command) =>
        PeerProcess.RunAsync("redis-cli", ToolTimeout, null, ["-p", port, .. command]);
}
