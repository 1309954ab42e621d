using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Proxy.Caching;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>
/// Objects leave both tiers once no request can use them: past freshness and the stale windows, or, with a validator,
/// past <c>max-stale-keep</c>; the memory tier on a read and in its periodic sweep, Redis by the same expiry.
/// </summary>
public sealed class CacheExpiryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static CachedResponse Response(int size = 100) =>
        new(200, [], new byte[size], Start, Start, [], [], []);

    [Fact]
    public void MemoryTier_ReadPastTheDropTime_RemovesTheObjectAndItsBytes()
    {
        var time = new FakeTimeProvider(Start);
        using var tier = new MemoryCacheTier(1 << 20, time);
        tier.Set("a", Response(), Start.AddSeconds(10));
        tier.Set("b", Response(), Start.AddSeconds(30));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(tier.Get("a"));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(tier.Get("a"));
        Assert.Equal(1, tier.Count);
        Assert.Equal(Response().Size, tier.Bytes);
        Assert.NotNull(tier.Get("b"));
    }

    [Fact]
    public void MemoryTier_NeverRead_SweptOnTheTimerInBoundedBatches()
    {
        var time = new FakeTimeProvider(Start);
        using var tier = new MemoryCacheTier(1L << 30, time);
        var count = MemoryCacheTier.SweepBatch + 500;
        for (var i = 0; i < count; i++)
        {
            tier.Set("k" + i, Response(10), Start.AddSeconds(i % 2 == 0 ? 3 : 3600));
        }
        tier.Set("past", Response(10), Start.AddSeconds(-1));
        Assert.Equal(count, tier.Count);

        time.Advance(MemoryCacheTier.SweepEvery);
        var afterOne = tier.Count;
        time.Advance(MemoryCacheTier.SweepEvery);
        time.Advance(MemoryCacheTier.SweepEvery);

        // One sweep looks at one batch: some of the dropped objects, not all; the next ones finish the pass.
        Assert.InRange(afterOne, count / 2 + 1, count - 1);
        Assert.Equal(count / 2, tier.Count);
        Assert.Equal(count / 2 * Response(10).Size, tier.Bytes);
    }

    [Fact]
    public async Task Proxy_StaleObjects_DroppedUnlessAWindowOrAValidatorKeepsThem_RedisTtlTheSame()
    {
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            var path = c.Request.Path.Value!;
            c.Response.Headers.CacheControl = path switch
            {
                "/windowed" => "max-age=3, stale-if-error=300",
                "/must" => "max-age=3, must-revalidate, stale-if-error=300",
                _ => "max-age=3",
            };
            if (path is "/validated" or "/must")
            {
                c.Response.Headers.ETag = "\"v1\"";
            }
            return c.Response.WriteAsync("page " + path);
        };
        var store = new FakeSharedStore();
        var storage = new CacheConfig { Redis = [new HostPort("127.0.0.1", 6379)], MaxStaleKeep = TimeSpan.FromMinutes(20) };
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: storage), sharedCacheTier: _ => store.Connect());
        using var client = Client();
        string[] paths = ["/plain", "/validated", "/windowed", "/must"];
        foreach (var path in paths)
        {
            await GetAsync(client, proxy.BaseAddress, path);
        }
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(store.TimesToLive.Count == paths.Length), TimeSpan.FromSeconds(10)), string.Join(", ", store.TimesToLive.Keys) + " / " + proxy.Runtime.Cache?.Memory.Count);
        var cache = proxy.Runtime.Cache!;
        Assert.Equal(paths.Length, cache.Memory.Count);

        // Redis keeps each as long as memory does: freshness (3 s, less the age the Date header's whole seconds give it
        // on arrival) plus what keeps it, no fixed slack.
        var second = TimeSpan.FromSeconds(1);
        Assert.InRange(Ttl(store, "/plain"), second, 3 * second);
        Assert.InRange(Ttl(store, "/validated"), TimeSpan.FromMinutes(20) + second, TimeSpan.FromMinutes(20) + 3 * second);
        Assert.InRange(Ttl(store, "/windowed"), 301 * second, 303 * second);
        Assert.InRange(Ttl(store, "/must"), TimeSpan.FromMinutes(20) + second, TimeSpan.FromMinutes(20) + 3 * second);

        // Past freshness: the object without a validator or a window is of no use any more.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        cache.Memory.Sweep();

        Assert.Equal(paths.Length - 1, cache.Memory.Count);
        Assert.Null(cache.Memory.Get(Key(proxy, "/plain")));
        Assert.NotNull(cache.Memory.Get(Key(proxy, "/validated")));
        Assert.NotNull(cache.Memory.Get(Key(proxy, "/windowed")));
    }

    private static string Key(ProxyHarness proxy, string path) => "http://" + proxy.BaseAddress.Authority + path;

    private static TimeSpan Ttl(FakeSharedStore store, string path) =>
        store.TimesToLive.Single(kv => kv.Key.EndsWith(path, StringComparison.Ordinal)).Value;
}
