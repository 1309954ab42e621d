using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>The shared tier (a fake store standing for Redis): two data planes share hits and purges; a store that fails is a miss, never an error page.</summary>
public sealed class SharedTierTests
{
    private static readonly CacheConfig Shared = new() { Redis = [new HostPort("127.0.0.1", 6379)], RedisTimeout = TimeSpan.FromMilliseconds(200) };

    private static Func<HttpContext, Task> Numbered(string cacheControl, string? tag = null)
    {
        var n = 0;
        return c =>
        {
            c.Response.Headers.CacheControl = cacheControl;
            if (tag is not null)
            {
                c.Response.Headers["Cache-Tag"] = tag;
            }
            return c.Response.WriteAsync("answer " + Interlocked.Increment(ref n));
        };
    }

    [Fact]
    public async Task TwoNodes_ShareHits()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        var store = new FakeSharedStore();
        await using var first = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        await using var second = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();

        // Both nodes serve the same site (the pair's VIP): the same Host.
        await GetAsync(client, first.BaseAddress, "/shared", ("Host", "shop.example"));
        await WaitForAsync(() => !store.Values.IsEmpty);
        var (hit, body) = await GetAsync(client, second.BaseAddress, "/shared", ("Host", "shop.example"));

        Assert.Equal("answer 1", body);
        Assert.Equal("HIT", XCache(hit));
        Assert.Equal(1, origin.Count("/shared"));
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("private, max-age=60")]
    public async Task NotShareable_NeverWrittenToTheTier(string cacheControl)
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered(cacheControl);
        var store = new FakeSharedStore();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/secret");
        await GetAsync(client, proxy.BaseAddress, "/public-control");
        origin.Handler = Numbered("max-age=60");
        await GetAsync(client, proxy.BaseAddress, "/ok");
        await WaitForAsync(() => !store.Values.IsEmpty);

        Assert.DoesNotContain(store.Values.Keys, k => k.Contains("/secret", StringComparison.Ordinal));
        Assert.Contains(store.Values.Keys, k => k.EndsWith("/ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizedButPublic_MemoryOnly_NotTheTier()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("public, max-age=60");
        var store = new FakeSharedStore();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();

        await GetAsync(client, proxy.BaseAddress, "/doc", ("Authorization", "Bearer x"));
        var (hit, _) = await GetAsync(client, proxy.BaseAddress, "/doc", ("Authorization", "Bearer x"));
        await Task.Delay(200);

        Assert.Equal("HIT", XCache(hit));
        Assert.Empty(store.Values);
    }

    [Theory]
    [InlineData(FakeTierMode.Throw)]
    [InlineData(FakeTierMode.Hang)]
    public async Task TierThrowsOrHangs_AnswersStill200_WithinBound(FakeTierMode mode)
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        var store = new FakeSharedStore { Mode = mode };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();

        var clock = Stopwatch.StartNew();
        var (first, _) = await GetAsync(client, proxy.BaseAddress, "/x");
        var (second, body) = await GetAsync(client, proxy.BaseAddress, "/x");
        var (other, _) = await GetAsync(client, proxy.BaseAddress, "/y");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("answer 1", body); // the memory tier still serves
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        // Two look-ups that miss memory, each bounded by twice redis-timeout (200 ms); generous for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task CorruptOrForeignValue_IsAMiss()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        var store = new FakeSharedStore();
        store.Values["http://127.0.0.1/z"] = ("not ours"u8.ToArray(), []);
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, "/z", ("Host", "127.0.0.1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("answer 1", body);
    }

    [Fact]
    public async Task Purge_ByUrlPrefixAndTag_DropsHereInTheTierAndOnTheOtherNode()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers["Cache-Tag"] = c.Request.Path.StartsWithSegments("/products") ? "catalog, product-1" : "home";
            return c.Response.WriteAsync("page");
        };
        var store = new FakeSharedStore();
        await using var first = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        await using var second = await ProxyHarness.StartAsync(Config(origin, storage: Shared), sharedCacheTier: _ => store.Connect());
        using var client = Client();
        foreach (var path in new[] { "/", "/products/1", "/products/2", "/about" })
        {
            await GetAsync(client, first.BaseAddress, path, ("Host", "shop.example"));
            await GetAsync(client, second.BaseAddress, path, ("Host", "shop.example"));
        }
        await WaitForAsync(() => store.Values.Count >= 4);

        var byUrl = await first.Runtime.PurgeAsync(CachePurgeScope.Url, "http://SHOP.example:80/about", CancellationToken.None);
        var byTag = await first.Runtime.PurgeAsync(CachePurgeScope.Tag, "catalog", CancellationToken.None);

        Assert.Equal("http://shop.example/about", byUrl!.Selector);
        Assert.Equal(1, byUrl.Memory);
        Assert.Equal(1, byUrl.Shared);
        Assert.Equal(2, byTag!.Memory);
        // The other node got the purge through the tier: its memory dropped the same objects, and the tier has none.
        var (about, _) = await GetAsync(client, second.BaseAddress, "/about", ("Host", "shop.example"));
        var (product, _) = await GetAsync(client, second.BaseAddress, "/products/2", ("Host", "shop.example"));
        var (home, _) = await GetAsync(client, second.BaseAddress, "/", ("Host", "shop.example"));
        var (homeHere, _) = await GetAsync(client, first.BaseAddress, "/", ("Host", "shop.example"));
        Assert.Equal(["MISS", "MISS", "HIT", "HIT"], new[] { XCache(about)!, XCache(product)!, XCache(home)!, XCache(homeHere)! });

        var byPrefix = await second.Runtime.PurgeAsync(CachePurgeScope.Prefix, "http://shop.example/", CancellationToken.None);
        Assert.True(byPrefix!.Memory >= 1);
        var (afterPrefix, _) = await GetAsync(client, first.BaseAddress, "/", ("Host", "shop.example"));
        Assert.Equal("MISS", XCache(afterPrefix));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
    }
}
