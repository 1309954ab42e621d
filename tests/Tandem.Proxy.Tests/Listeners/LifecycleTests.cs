using System.Net;
using System.Net.Sockets;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Listeners;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Listeners;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Drain_ServerWithRequestInFlight_FinishesItAndGetsNoNewRequests()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = TestHttp.Client();
        var pool = proxy.Pools.Find("app")!;
        var serverA = pool.FindServer("a")!;

        var slow = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/800")); // round robin starts with a
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(serverA.InFlight == 1), TimeSpan.FromSeconds(5)));
        pool.SetAdminState(serverA, AdminState.Draining);
        var later = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            later.Add(await client.GetStringAsync(proxy.BaseAddress));
        }
        using var slowResponse = await slow;

        Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        Assert.Equal("a", await slowResponse.Content.ReadAsStringAsync());
        Assert.All(later, answer => Assert.Equal("b", answer));
        Assert.Equal("draining", serverA.StateName);
    }

    [Fact]
    public async Task Reload_UnderLoadWithPoolAndListenerChanges_NoFailedRequest()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        var first = TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig());
        await using var proxy = await ProxyHarness.StartAsync(first);
        var bound = proxy.Runtime.Listeners[0].Bound;
        var port = int.Parse(bound[(bound.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        // Later configs name the port that was bound, so the replacement listener must take over the same socket.
        HostPort fixedBind = new("127.0.0.1", port);
        using var client = TestHttp.Client();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var failures = 0;
        var served = 0;

        var load = Enumerable.Range(0, 4).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync(proxy.BaseAddress, stop.Token);
                    if (response.IsSuccessStatusCode) { Interlocked.Increment(ref served); } else { Interlocked.Increment(ref failures); }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }).ToList();

        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(150);
            // Alternate: weights only (reroute in place), then new listener limits on the same port (listener replaced).
            var next = i % 2 == 0
                ? TestConfig.OnePool(BalancingAlgorithms.WeightedRoundRobin, [a.ServerConfig(3), b.ServerConfig(1)], p => p,
                    l => l with { Bind = fixedBind })
                : TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(), b.ServerConfig()], p => p,
                    l => l with { Bind = fixedBind, KeepAliveTimeout = TimeSpan.FromSeconds(10 + i) });
            await proxy.Runtime.ApplyAsync(next, CancellationToken.None);
        }
        // Enough traffic to mean something even when a loaded machine served little during the reloads.
        await TestHttp.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref served) > 50), TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Equal(0, failures);
        Assert.True(served > 50, $"only {served} requests were served");
    }

    [Fact]
    public async Task Apply_PortInUse_ThrowsAndKeepsServing()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var bad = TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p,
            l => l with { Name = "other", Bind = new HostPort("127.0.0.1", taken) });
        using var client = TestHttp.Client();

        var error = await Assert.ThrowsAsync<ListenerStartException>(() => proxy.Runtime.ApplyAsync(bad, CancellationToken.None));

        Assert.StartsWith($"listener 'other' cannot bind 127.0.0.1:{taken}: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("a", await client.GetStringAsync(proxy.BaseAddress));
        Assert.Equal("web", Assert.Single(proxy.Runtime.Listeners).Name);
    }

    [Fact]
    public async Task Stop_RequestInFlight_FinishesItThenRefusesConnections()
    {
        await using var a = await TestBackend.StartAsync("a");
        var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p, drainTimeout: TimeSpan.FromSeconds(10)));
        using var client = TestHttp.Client();
        var address = proxy.BaseAddress;
        var server = proxy.Pools.Find("app")!.FindServer("a")!;

        var inFlight = client.GetAsync(new Uri(address, "/delay/700"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.InFlight == 1), TimeSpan.FromSeconds(5)));
        var drained = await proxy.Runtime.StopAsync();
        using var response = await inFlight;

        Assert.True(drained);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var fresh = TestHttp.Client(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync(address));
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task Stop_RequestOutlivesDrainTimeout_IsCutOff()
    {
        await using var a = await TestBackend.StartAsync("a");
        var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p, drainTimeout: TimeSpan.FromMilliseconds(300)));
        using var client = TestHttp.Client();
        var server = proxy.Pools.Find("app")!.FindServer("a")!;

        var inFlight = client.GetAsync(new Uri(proxy.BaseAddress, "/delay/10000"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.InFlight == 1), TimeSpan.FromSeconds(5)));
        var drained = await proxy.Runtime.StopAsync();

        Assert.False(drained);
        await Assert.ThrowsAnyAsync<Exception>(() => inFlight);
        await proxy.DisposeAsync();
    }
}
