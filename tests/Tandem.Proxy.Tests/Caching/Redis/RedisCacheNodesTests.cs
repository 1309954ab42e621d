using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>
/// The cache with its real shared tier: two Tandem data planes (the two nodes of a pair) over one real Redis,
/// standalone and a 3-master cluster, started by the test; what may not be shared never reaches Redis; Redis killed
/// under load is never an error page, and the tier comes back with Redis.
/// </summary>
public sealed class RedisCacheNodesTests
{
    private static CacheConfig Storage(params string[] endpoints)
    {
        var redis = new HostPort[endpoints.Length];
        for (var i = 0; i < endpoints.Length; i++)
        {
            Assert.True(HostPort.TryParse(endpoints[i], out redis[i], out var error), error);
        }
        return new CacheConfig { Redis = redis };
    }

    private static Func<HttpContext, Task> Numbered(string cacheControl)
    {
        var n = 0;
        return c =>
        {
            c.Response.Headers.CacheControl = cacheControl;
            return c.Response.WriteAsync("answer " + Interlocked.Increment(ref n).ToString(CultureInfo.InvariantCulture));
        };
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task TwoNodes_Standalone_ShareHitsAndNeverStoreNoStore()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = c.Request.Path.StartsWithSegments("/secret") ? "no-store" : "max-age=60";
            return c.Response.WriteAsync("page " + c.Request.Path);
        };
        await using var first = await ProxyHarness.StartAsync(Config(origin, storage: Storage(redis.Endpoint)));
        await using var second = await ProxyHarness.StartAsync(Config(origin, storage: Storage(redis.Endpoint)));
        using var client = Client();
        await WarmUpAsync(client, first.BaseAddress, () => StoredKeysAsync(redis));

        await GetAsync(client, first.BaseAddress, "/secret", ("Host", "shop.example"));
        await GetAsync(client, first.BaseAddress, "/products/1", ("Host", "shop.example"));
        await WaitForAsync(async () => (await StoredKeysAsync(redis)).Contains("/products/1", StringComparison.Ordinal));
        var (shared, body) = await GetAsync(client, second.BaseAddress, "/products/1", ("Host", "shop.example"));

        Assert.Equal(("HIT", "page /products/1"), (XCache(shared), body));
        Assert.Equal(1, origin.Count("/products/1"));
        Assert.DoesNotContain("/secret", await StoredKeysAsync(redis), StringComparison.Ordinal);
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task TwoNodes_Cluster_ShareHitsAndPurges()
    {
        Requirements.Check(RedisServer.Tools);
        await using var cluster = await RedisCluster.StartAsync();
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        var endpoints = cluster.Endpoints.ToArray();
        // Each node knows the cluster by a different master: the cluster tells both where every key lives.
        await using var first = await ProxyHarness.StartAsync(Config(origin, storage: Storage(endpoints[0])));
        await using var second = await ProxyHarness.StartAsync(Config(origin, storage: Storage(endpoints[2], endpoints[1])));
        using var client = Client();
        await WarmUpAsync(client, first.BaseAddress, async () => (await cluster.KeyCountsAsync()).Sum() > 0 ? "some" : "");
        await WarmUpAsync(client, second.BaseAddress, async () => (await cluster.KeyCountsAsync()).Sum() > 1 ? "some" : "");

        const int Pages = 30;
        for (var i = 0; i < Pages; i++)
        {
            await GetAsync(client, first.BaseAddress, "/p/" + i.ToString(CultureInfo.InvariantCulture), ("Host", "shop.example"));
        }
        await WaitForAsync(async () => (await cluster.KeyCountsAsync()).Sum() >= Pages);
        var hits = 0;
        for (var i = 0; i < Pages; i++)
        {
            var (response, _) = await GetAsync(client, second.BaseAddress, "/p/" + i.ToString(CultureInfo.InvariantCulture), ("Host", "shop.example"));
            hits += XCache(response) == "HIT" ? 1 : 0;
        }
        // The objects are spread over the masters, and the second node hit every one the first stored.
        Assert.Equal(Pages, hits);
        Assert.All(await cluster.KeyCountsAsync(), count => Assert.True(count > 0));

        // A purge on the second node reaches the first node's memory through the cluster's pub/sub.
        var purge = await second.Runtime.PurgeAsync(CachePurgeScope.Prefix, "http://shop.example/p/", CancellationToken.None);
        Assert.True(purge!.Shared >= Pages, $"removed {purge.Shared} from Redis");
        var misses = 0;
        var clock = Stopwatch.StartNew();
        while (misses == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var (again, _) = await GetAsync(client, first.BaseAddress, "/p/7", ("Host", "shop.example"));
            misses += XCache(again) == "MISS" ? 1 : 0;
            await Task.Delay(misses == 0 ? 50 : 0);
        }
        Assert.Equal(1, misses);
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task RedisKilledUnderLoad_NoErrorPage_TierReturnsWithRedis()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var origin = await HeaderBackend.StartAsync();
        origin.Handler = Numbered("max-age=60");
        await using var proxy = await ProxyHarness.StartAsync(Config(origin, storage: Storage(redis.Endpoint)));
        using var client = Client();
        await WarmUpAsync(client, proxy.BaseAddress, () => StoredKeysAsync(redis));

        // Four clients, each a bounded number of requests over cached and new paths; Redis dies halfway.
        const int PerClient = 300;
        var statuses = new int[4 * PerClient];
        var done = 0;
        var load = new Task[4];
        for (var c = 0; c < load.Length; c++)
        {
            var id = c;
            load[c] = Task.Run(async () =>
            {
                for (var i = 0; i < PerClient; i++)
                {
                    var path = i % 3 == 0 ? "/hot" : string.Create(CultureInfo.InvariantCulture, $"/c{id}/{i}");
                    var (response, _) = await GetAsync(client, proxy.BaseAddress, path);
                    statuses[id * PerClient + i] = (int)response.StatusCode;
                    Interlocked.Increment(ref done);
                }
            });
        }
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref done) < statuses.Length / 3 && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }
        redis.Kill();
        await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.All(statuses, status => Assert.Equal(200, status));

        await redis.StartAgainAsync();
        // Back with Redis: new objects reach it again (the tier probes in the background).
        await WarmUpAsync(client, proxy.BaseAddress, () => StoredKeysAsync(redis));
        Assert.NotEmpty(await StoredKeysAsync(redis));
    }

    /// <summary>The keys Redis holds, one per line.</summary>
    private static Task<string> StoredKeysAsync(RedisServer redis) => redis.CliAsync("--scan");

    /// <summary>Requests new pages until <paramref name="stored"/> says one reached Redis (the tier connects in the background).</summary>
    private static async Task WarmUpAsync(HttpClient client, Uri proxy, Func<Task<string>> stored)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(20); i++)
        {
            var (response, _) = await GetAsync(client, proxy, "/warm-" + Guid.NewGuid().ToString("n"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if ((await stored()).Length > 0)
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("nothing reached Redis within 20 s");
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
    }
}
