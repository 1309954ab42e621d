using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Testing;
using Xunit.Abstractions;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Request collapsing: concurrent misses of one key make one request to the server.</summary>
public sealed class CacheCollapseTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThousandConcurrentMisses_FewUpstreamRequests()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = async c =>
        {
            await Task.Delay(500);
            c.Response.Headers.CacheControl = "max-age=60";
            await c.Response.WriteAsync("popular");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 200 }) { Timeout = TimeSpan.FromSeconds(60) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/hot"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        output.WriteLine($"upstream requests for 1000 concurrent misses: {origin.Count("/hot")}");
        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "popular"), a));
        Assert.InRange(origin.Count("/hot"), 1, 5);
    }

    [Fact]
    public async Task LeadersResponseNotCacheable_WaitersGoUpstreamThemselves_NeverGetItsAnswer()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var n = 0;
        origin.Handler = async c =>
        {
            var number = Interlocked.Increment(ref n);
            await Task.Delay(number == 1 ? 500 : 0);
            c.Response.Headers.CacheControl = "private";
            await c.Response.WriteAsync("for " + c.Request.Headers["X-User"]);
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var first = GetAsync(client, proxy.BaseAddress, "/me", ("X-User", "leader"));
        await Task.Delay(100);
        var others = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => GetAsync(client, proxy.BaseAddress, "/me", ("X-User", "u" + i))));

        Assert.Equal("for leader", (await first).Body);
        for (var i = 0; i < others.Length; i++)
        {
            Assert.Equal("for u" + i, others[i].Body);
        }
    }

    [Fact]
    public async Task SlowLeader_WaitersGoUpstreamAfterCollapseTimeout()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var n = 0;
        origin.Handler = async c =>
        {
            var number = Interlocked.Increment(ref n);
            await Task.Delay(number == 1 ? 5000 : 0);
            c.Response.Headers.CacheControl = "max-age=60";
            await c.Response.WriteAsync("n" + number);
        };
        var route = new RouteCacheConfig { XCacheHeader = true, CollapseTimeout = TimeSpan.FromMilliseconds(200) };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, route));
        using var client = Client();

        var leader = GetAsync(client, proxy.BaseAddress, "/slow");
        await Task.Delay(100);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (_, body) = await GetAsync(client, proxy.BaseAddress, "/slow");

        Assert.Equal("n2", body);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the waiter took {clock.Elapsed}");
        await leader;
    }
}
