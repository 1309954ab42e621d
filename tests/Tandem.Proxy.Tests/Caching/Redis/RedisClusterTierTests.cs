using Tandem.Proxy.Caching;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.Redis.RedisTiers;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>One local three-master cluster for the class, started on first use (so a machine without Redis skips, not fails).</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private RedisCluster? _cluster;

    public async Task<RedisCluster> GetAsync()
    {
        await _starting.WaitAsync();
        try
        {
            return _cluster ??= await RedisCluster.StartAsync();
        }
        finally
        {
            _starting.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        _starting.Dispose();
    }
}

/// <summary>The tier against a real Redis cluster: keys in many slots on every master, purges and the broadcast.</summary>
public sealed class RedisClusterTierTests(RedisClusterFixture fixture) : IClassFixture<RedisClusterFixture>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [RequiresFact("redis-server", "redis-cli")]
    public async Task Purges_KeyPrefixAndTag_RemoveKeysSpreadOverEveryMaster()
    {
        Requirements.Check(RedisServer.Tools);
        var cluster = await fixture.GetAsync();
        await using var tier = await StartAvailableAsync(cluster.Endpoints, "one", change: o => o with { KeyPrefix = "purges:", PurgeBatchSize = 16 });
        for (var i = 0; i < 100; i++)
        {
            string[] tags = i % 2 == 0 ? ["even"] : [];
            await tier.SetAsync($"http://shop/p/{i}", Bytes("p"), Minute, tags, default);
            await tier.SetAsync($"http://shop/p/{i}\u001Fgzip", Bytes("p-gzip"), Minute, tags, default);
            await tier.SetAsync($"http://shop/q/{i}", Bytes("q"), Minute, tags, default);
        }
        Assert.Equal(Bytes("p-gzip"), await tier.GetAsync("http://shop/p/7\u001Fgzip", default));
        var counts = await cluster.KeyCountsAsync();
        Assert.All(counts, c => Assert.True(c > 20, "keys per node: " + string.Join(", ", counts)));

        Assert.Equal(2, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://shop/p/1"), default));
        Assert.Null(await tier.GetAsync("http://shop/p/1", default));
        Assert.Null(await tier.GetAsync("http://shop/p/1\u001Fgzip", default));
        Assert.Equal(Bytes("p"), await tier.GetAsync("http://shop/p/10", default));

        // even i: p, its variant, q; 150 values.
        Assert.Equal(150, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "even"), default));
        Assert.Null(await tier.GetAsync("http://shop/q/4", default));
        Assert.Equal(Bytes("q"), await tier.GetAsync("http://shop/q/5", default));

        // odd i left, less p/1 and its variant: 49 p, 49 variants.
        Assert.Equal(98, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://shop/p/"), default));
        Assert.Equal(Bytes("q"), await tier.GetAsync("http://shop/q/5", default));
        Assert.Equal(50, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://shop/"), default));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_InACluster_IsAnnouncedToTheOtherTier()
    {
        Requirements.Check(RedisServer.Tools);
        var cluster = await fixture.GetAsync();
        // Each tier is given a different master: a purge published on one reaches subscribers on every node.
        await using var one = await StartAvailableAsync([cluster.Endpoints[0]], "one", change: o => o with { KeyPrefix = "broadcast:" });
        await using var two = await StartAvailableAsync([cluster.Endpoints[2]], "two", change: o => o with { KeyPrefix = "broadcast:" });
        var heardByOne = Record(one);
        var heardByTwo = Record(two);

        await one.SetAsync("http://h/a", Bytes("a"), Minute, ["t"], default);
        Assert.Equal(Bytes("a"), await two.GetAsync("http://h/a", default));
        Assert.Equal(1, await one.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "t"), default));
        await two.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://h/"), default);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heardByOne.Count == 1 && heardByTwo.Count == 1), TimeSpan.FromSeconds(5)));
        Assert.Equal(new CachePurge(CachePurgeKind.Tag, "t"), Assert.Single(heardByTwo));
        Assert.Equal(new CachePurge(CachePurgeKind.Prefix, "http://h/"), Assert.Single(heardByOne));
    }
}
