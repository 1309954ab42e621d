using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Background refreshes (stale-while-revalidate) are upstream traffic the cache makes by itself: counted and logged.</summary>
public sealed class CacheRefreshTelemetryTests
{
    [Fact]
    public async Task StaleWhileRevalidate_RefreshCountedByOutcome_AndLoggedAsItsOwnRequest()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var n = 0;
        origin.Handler = c =>
        {
            var first = c.Request.Headers.IfNoneMatch.Count == 0 && Interlocked.Increment(ref n) <= 2;
            if (!first && c.Request.Path == "/broken")
            {
                c.Response.StatusCode = 503;
                return Task.CompletedTask;
            }
            c.Response.Headers.ETag = "\"v1\"";
            c.Response.Headers.CacheControl = first ? "max-age=1, stale-while-revalidate=30" : "max-age=60";
            if (!first)
            {
                c.Response.StatusCode = 304;
                return Task.CompletedTask;
            }
            return c.Response.WriteAsync("page");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin), new AccessLogConfig { Path = "access.log" });
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/ok");
        await GetAsync(client, proxy.BaseAddress, "/broken");
        await Task.Delay(TimeSpan.FromSeconds(2.2));

        var (okStale, _) = await GetAsync(client, proxy.BaseAddress, "/ok");
        var (brokenStale, _) = await GetAsync(client, proxy.BaseAddress, "/broken");
        Assert.Equal("STALE", XCache(okStale));
        Assert.Equal("STALE", XCache(brokenStale));
        var entries = await proxy.LogEntriesAsync(6);
        Dictionary<string, double> samples = [];
        Assert.True(await TestHttp.WaitUntilAsync(async () =>
        {
            samples = await proxy.ScrapeAsync();
            return samples.ContainsKey("""tandem_cache_refreshes_total{route="site",outcome="ok"}""")
                && samples.ContainsKey("""tandem_cache_refreshes_total{route="site",outcome="failed"}""");
        }, TimeSpan.FromSeconds(10)), string.Join("\n", samples.Keys));

        Assert.Equal(1, samples["""tandem_cache_refreshes_total{route="site",outcome="ok"}"""]);
        Assert.Equal(1, samples["""tandem_cache_refreshes_total{route="site",outcome="failed"}"""]);
        // Two requests each, one miss and one stale; the refreshes are not client requests.
        Assert.Equal(2, samples["""tandem_cache_requests_total{route="site",result="stale"}"""]);
        var refreshes = entries.Where(e => e.TryGetProperty("cache", out var cache) && cache.GetString() == "REFRESH")
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("status").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["/ok"] = 304, ["/broken"] = 503 }, refreshes);
        Assert.Equal(4, entries.Count(e => e.GetProperty("cache").GetString() is "MISS" or "STALE"));
    }
}
