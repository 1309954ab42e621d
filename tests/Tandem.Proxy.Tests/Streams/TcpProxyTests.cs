using System.Net.Sockets;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

public sealed class TcpProxyTests
{
    [Fact]
    public async Task Tcp_EchoThroughProxy_BytesComeBackFromTheServer()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()]));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);

        Assert.Equal("a", await client.ReadLineAsync());
        var payload = new byte[1 << 20];
        Random.Shared.NextBytes(payload);
        var send = client.SendAsync(payload);
        var echoed = await client.ReadAsync(payload.Length);
        await send;
        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task Tcp_RoundRobin_ConnectionsAlternateBetweenServers()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(), b.Config()]));

        var seen = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
            seen.Add(await client.ReadLineAsync());
        }
        Assert.Equal(3, seen.Count(s => s == "a"));
        Assert.Equal(3, seen.Count(s => s == "b"));
    }

    [Fact]
    public async Task Tcp_ClientHalfCloses_ServerAnswerStillArrives()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()]));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());

        await client.SendAsync("last words\n");
        client.Socket.Shutdown(SocketShutdown.Send);

        // The echo server answers after the FIN reached it, then closes: both must come through.
        Assert.Equal("last words", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_FirstServerRefuses_ConnectionGoesToTheNextAndFailureIsCounted()
    {
        await using var b = new StreamEchoServer("b");
        var dead = TestConfig.DeadServer();
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([dead, b.Config()]));

        for (var i = 0; i < 4; i++)
        {
            using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
            Assert.Equal("b", await client.ReadLineAsync());
        }
        var deadState = proxy.Pools.Pools["app"].FindServer("dead")!;
        Assert.True(deadState.Failures >= 1);
    }

    [Fact]
    public async Task Tcp_BackupServer_UsedOnlyWhenThePrimaryIsDown()
    {
        await using var primary = new StreamEchoServer("primary");
        await using var backup = new StreamEchoServer("backup");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([primary.Config(), backup.Config(backup: true)]));
        var pool = proxy.Pools.Pools["app"];

        using (var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound))
        {
            Assert.Equal("primary", await client.ReadLineAsync());
        }
        pool.SetHealth(pool.FindServer("primary")!, HealthStatus.Down, "test");
        using (var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound))
        {
            Assert.Equal("backup", await client.ReadLineAsync());
        }
    }

    [Fact]
    public async Task Tcp_IdleTimeout_ClosesASilentConnection()
    {
        await using var a = new StreamEchoServer("a");
        var stream = new StreamListenerConfig { DefaultPool = "app", IdleTimeout = TimeSpan.FromMilliseconds(300) };
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], stream: stream));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());

        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Tcp_ServerDraining_ExistingConnectionLivesAndNewOnesGoElsewhere()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(), b.Config()]));
        var pool = proxy.Pools.Pools["app"];
        using var first = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        var firstServer = await first.ReadLineAsync();

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
    public async Task Tcp_Reload_EstablishedConnectionSurvivesAndNewConfigApplies()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        var config = L4Config.Tcp([a.Config()]);
        await using var proxy = await ProxyHarness.StartAsync(config);
        var bound = proxy.Runtime.Listeners[0].Bound;
        using var established = await StreamClient.ConnectAsync(bound);
        Assert.Equal("a", await established.ReadLineAsync());

        // The same listener (same name and bind), now in front of b only.
        await proxy.Runtime.ApplyAsync(L4Config.Tcp([b.Config()]), CancellationToken.None);

        await established.SendAsync("after reload\n");
        Assert.Equal("after reload", await established.ReadLineAsync());
        Assert.Equal(bound, proxy.Runtime.Listeners[0].Bound);
        using var fresh = await StreamClient.ConnectAsync(bound);
        Assert.Equal("b", await fresh.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_ListenerMaxConnections_RefusesTheConnectionBeyondIt()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], listener: l => l with { MaxConnections = 1 }));
        using var first = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await first.ReadLineAsync());

        using var second = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.True(await second.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, a.Accepted);
    }

    [Fact]
    public async Task Tcp_ServerMaxConnections_SpillsToAnotherServer()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(maxConnections: 1), b.Config(weight: 1)],
            BalancingAlgorithms.WeightedRoundRobin, pool => pool with { Servers = [a.Config(weight: 100, maxConnections: 1), b.Config(weight: 1)] }));

        using var first = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await first.ReadLineAsync());
        using var second = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("b", await second.ReadLineAsync());
    }

    [Fact]
    public async Task Tcp_IpHash_SameClientAddressSameServer()
    {
        await using var a = new StreamEchoServer("a");
        await using var b = new StreamEchoServer("b");
        await using var c = new StreamEchoServer("c");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config(), b.Config(), c.Config()], BalancingAlgorithms.IpHash));

        var seen = new HashSet<string?>();
        for (var i = 0; i < 5; i++)
        {
            using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
            seen.Add(await client.ReadLineAsync());
        }
        Assert.Single(seen);
    }

    [Fact]
    public async Task Tcp_ServerResets_ClientConnectionIsClosed()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()]));
        using var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound);
        Assert.Equal("a", await client.ReadLineAsync());

        a.ResetConnections();

        Assert.True(await client.ClosedWithinAsync(TimeSpan.FromSeconds(10)));
    }
}
