using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Health;

/// <summary>Passive checks through the real proxy: real requests eject a failing server.</summary>
public sealed class PassiveHealthTests
{
    [Fact]
    public async Task Forward_ServerDiesUnderLoad_EjectedAfterFirstFailuresThenNoNewRequests()
    {
        await using var a = await TestBackend.StartAsync("a");
        var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(), b.ServerConfig()],
            p => p with { Passive = new PassiveHealthConfig { ConsecutiveFailures = 3, EjectionTime = TimeSpan.FromSeconds(30) } }));
        var server = proxy.Pools.Find("app")!.FindServer("b")!;
        using var load = new Load(proxy.BaseAddress, clients: 4);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(load.Served > 100), TimeSpan.FromSeconds(10)));

        await b.DisposeAsync();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(server.Ejected), TimeSpan.FromSeconds(5)));
        var attemptsAtEjection = server.Requests;
        var servedAtEjection = load.Served;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(load.Served > servedAtEjection + 300), TimeSpan.FromSeconds(10)));
        await load.StopAsync();

        Assert.Equal(0, load.Failed);
        // Requests already on their way when the ejection landed may still reach it; no new ones after that.
        Assert.InRange(server.Requests - attemptsAtEjection, 0, 4);
        Assert.Equal("down", server.StateName);
        // Four clients fail at once: the failure that wins the ejection may be the 3rd or a later one, and the reason
        // counts the failures it saw.
        Assert.Matches(@"^ejected for 30 s after [3-9] server failures in a row", server.LastChange!.Reason);
        Assert.Contains(proxy.Logs.Messages(), m => m.StartsWith("app/b is now down: ejected for 30 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forward_ServerAnswering500s_EjectedOnlyWithCount5xx()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        foreach (var count5xx in new[] { false, true })
        {
            await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig(), b.ServerConfig()],
                p => p with { Passive = new PassiveHealthConfig { ConsecutiveFailures = 2, Count5xx = count5xx } }));
            using var client = TestHttp.Client();

            for (var i = 0; i < 6; i++)
            {
                using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/status/500"));
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            }

            // Both answer 500; with count-5xx one of them is ejected (never both: at most 50%).
            var ejected = proxy.Pools.Find("app")!.Servers.Count(s => s.Ejected);
            Assert.Equal(count5xx ? 1 : 0, ejected);
        }
    }

    /// <summary>A bounded closed-loop load of GETs, counting answers that are not 200.</summary>
    private sealed class Load : IDisposable
    {
        private readonly HttpClient _client = TestHttp.Client(TimeSpan.FromSeconds(10));
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _clients;
        private int _served;
        private int _failed;

        public Load(Uri target, int clients)
        {
            _clients = new Task[clients];
            for (var i = 0; i < clients; i++)
            {
                _clients[i] = Task.Run(async () =>
                {
                    for (var n = 0; n < 20_000 && !_stop.IsCancellationRequested; n++)
                    {
                        using var response = await _client.GetAsync(target, CancellationToken.None);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref _failed);
                        }
                        Interlocked.Increment(ref _served);
                    }
                });
            }
        }

        public int Served => Volatile.Read(ref _served);

        public int Failed => Volatile.Read(ref _failed);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _client.Dispose();
            _stop.Dispose();
        }
    }
}
