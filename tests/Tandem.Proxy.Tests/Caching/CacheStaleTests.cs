using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Stale responses: served while refreshing (stale-while-revalidate) and while every server is down (stale-if-error), within their windows only.</summary>
public sealed class CacheStaleTests
{
    [Fact]
    public async Task StaleIfError_EveryServerStopped_CachedPagesAnswer200InTheWindowThenFail()
    {
        await using var a = await HeaderBackend.StartAsync("a");
        await using var b = await HeaderBackend.StartAsync("b");
        foreach (var origin in new[] { a, b })
        {
            origin.Handler = c =>
            {
                c.Response.Headers.CacheControl = "max-age=1";
                return c.Response.WriteAsync("page " + c.Request.Path);
            };
        }
        // The route's default window; the server names none.
        var route = new RouteCacheConfig { XCacheHeader = true, StaleIfError = TimeSpan.FromSeconds(4) };
        await using var proxy = await ProxyHarness.StartAsync(Config(a, route, null, b));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/home");
        await GetAsync(client, proxy.BaseAddress, "/product");
        var stored = Stopwatch.StartNew();

        await a.StopAsync();
        await b.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5) - stored.Elapsed is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
        var (home, homeBody) = await GetAsync(client, proxy.BaseAddress, "/home");
        var (product, productBody) = await GetAsync(client, proxy.BaseAddress, "/product");
        var (never, _) = await GetAsync(client, proxy.BaseAddress, "/never-cached");
        var servedAt = stored.Elapsed;

        Assert.True(servedAt < TimeSpan.FromSeconds(4.5), $"the stale answers took until {servedAt}");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("page /home", homeBody);
        Assert.Equal("STALE", XCache(home));
        Assert.Equal(HttpStatusCode.OK, product.StatusCode);
        Assert.Equal("page /product", productBody);
        Assert.True((int)never.StatusCode >= 500);

        // Past max-age (1 s) + stale-if-error (4 s): the error shows.
        await Task.Delay(TimeSpan.FromSeconds(6) - stored.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        var (late, _) = await GetAsync(client, proxy.BaseAddress, "/home");
        Assert.True((int)late.StatusCode >= 500, $"got {late.StatusCode} after the window");
    }

    [Fact]
    public async Task StaleIfError_Server5xx_StaleServedInItsPlace()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var failing = false;
        origin.Handler = c =>
        {
            if (Volatile.Read(ref failing))
            {
                c.Response.StatusCode = 503;
                return c.Response.WriteAsync("down");
            }
            c.Response.Headers.CacheControl = "max-age=1, stale-if-error=60";
            return c.Response.WriteAsync("good");
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/p");
        Volatile.Write(ref failing, true);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var (response, body) = await GetAsync(client, proxy.BaseAddress, "/p");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("good", body);
        Assert.Equal("STALE", XCache(response));
        Assert.Equal(2, origin.Count("/p"));
    }

    [Fact]
    public async Task MustRevalidate_NeverServedStaleOnError()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var failing = false;
        origin.Handler = c =>
        {
            if (Volatile.Read(ref failing))
            {
                c.Response.StatusCode = 503;
                return Task.CompletedTask;
            }
            c.Response.Headers.CacheControl = "max-age=1, must-revalidate";
            return c.Response.WriteAsync("good");
        };
        var route = new RouteCacheConfig { XCacheHeader = true, StaleIfError = TimeSpan.FromMinutes(1) };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, route));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/m");
        Volatile.Write(ref failing, true);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var (response, _) = await GetAsync(client, proxy.BaseAddress, "/m");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task StaleWhileRevalidate_StaleServedAtOnce_RefreshedOnceInTheBackground()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var n = 0;
        origin.Handler = async c =>
        {
            var number = Interlocked.Increment(ref n);
            if (number > 1)
            {
                await Task.Delay(300); // a slow refresh: the stale answers must not wait for it
            }
            // The refreshed copy stays fresh: a 1 s lifetime, with Date's whole seconds, could be stale again by the next poll.
            c.Response.Headers.CacheControl = number == 1 ? "max-age=1, stale-while-revalidate=30" : "max-age=60";
            await c.Response.WriteAsync("v" + number);
        };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/s");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => GetAsync(client, proxy.BaseAddress, "/s")));
        var staleTook = clock.Elapsed;

        Assert.All(answers, a => Assert.Equal("v1", a.Body));
        Assert.All(answers, a => Assert.Equal("STALE", XCache(a.Response)));
        // Wait for the refresh, then the new version is a hit.
        var deadline = Stopwatch.StartNew();
        string body;
        do
        {
            await Task.Delay(100);
            (_, body) = await GetAsync(client, proxy.BaseAddress, "/s");
        }
        while (body != "v2" && deadline.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal("v2", body);
        Assert.Equal(2, origin.Count("/s"));
        Assert.True(staleTook < TimeSpan.FromSeconds(5), $"stale answers took {staleTook}");
    }
}
