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

/// <summary>A cluster whose master was replaced: its slots moved to another master and the node removed, its endpoint still configured.</summary>
public sealed class RedisClusterReplacedMasterTests
{
    [RequiresFact("redis-server", "redis-cli")]
    public async Task Probe_AConfiguredMasterLeftTheCluster_TierAvailable_GetsSetsAndPurgesWork()
    {
        Requirements.Check(RedisServer.Tools);
        await using var cluster = await RedisCluster.StartAsync();
        var (kept, gone) = (cluster.Nodes[0], cluster.Nodes[2]);
        var goneId = (await gone.CliAsync("cluster", "myid")).Trim();
        // Weight 0 empties the node's slots onto the others; del-node makes every node forget it; then it dies.
        // Moving a third of the slots is thousands of MIGRATE rounds: minutes on a loaded 2-core box, so a bound of its own.
        var (_, rebalance) = await PeerProcess.RunAsync("redis-cli", TimeSpan.FromSeconds(240), null,
            "-h", "127.0.0.1", "-p", kept.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster", "rebalance", kept.Endpoint, "--cluster-weight", goneId + "=0", "--cluster-yes");
        Assert.True(await TestHttp.WaitUntilAsync(async () => await SlotsOfAsync(gone) == "0 slots", TimeSpan.FromSeconds(30)),
            "the node kept slots after the rebalance: " + await SlotsOfAsync(gone) + "\n" + rebalance);
        var delete = await kept.CliAsync("--cluster", "del-node", kept.Endpoint, goneId);
        gone.Kill();
        Assert.True(await TestHttp.WaitUntilAsync(async () => !await RedisPing(gone) && await ClusterOkAsync(cluster.Nodes[0], cluster.Nodes[1]), TimeSpan.FromSeconds(20)),
            "rebalance: " + rebalance + "\ndel-node: " + delete);

        // The configuration still names all three: the operator's list did not change when the master was replaced.
        await using var tier = Start(cluster.Endpoints, "one", change: o => o with { KeyPrefix = "replaced:" });
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available), Wait), "the tier never became available");

        for (var i = 0; i < 20; i++)
        {
            await tier.SetAsync($"http://shop/p/{i}", Bytes("p"), TimeSpan.FromMinutes(1), [], default);
        }
        Assert.Equal(Bytes("p"), await tier.GetAsync("http://shop/p/7", default));
        Assert.Equal(20, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://shop/p/"), default));
        Assert.True(tier.Available);
    }

    private static async Task<string> SlotsOfAsync(RedisServer node)
    {
        var nodes = await node.CliAsync("cluster", "nodes");
        var myself = nodes.Split('\n').Single(l => l.Contains("myself", StringComparison.Ordinal));
        return myself.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 8 ? "0 slots" : "slots: " + myself;
    }

    private static async Task<bool> RedisPing(RedisServer node)
    {
        try
        {
            return (await node.CliAsync("ping")).Contains("PONG", StringComparison.Ordinal);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static async Task<bool> ClusterOkAsync(params RedisServer[] nodes)
    {
        foreach (var node in nodes)
        {
            if (!(await node.CliAsync("cluster", "info")).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
