using Tandem.Proxy.Caching;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.Redis.RedisTiers;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>The tier against a real standalone redis-server: values, expiry, the three purges, the purge broadcast.</summary>
public sealed class RedisCacheTierTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [RequiresFact("redis-server", "redis-cli")]
    public async Task SetAsync_ThenGet_ReturnsTheBytesUntilTheyExpire()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one");
        byte[] small = [0, 1, 2, 255];
        var large = new byte[256 * 1024];
        new Random(7).NextBytes(large);

        await tier.SetAsync("http://h/small", small, TimeSpan.FromMilliseconds(800), [], default);
        await tier.SetAsync("http://h/large", large, Minute, [], default);

        Assert.Equal(small, await tier.GetAsync("http://h/small", default));
        Assert.Equal(large, await tier.GetAsync("http://h/large", default));
        Assert.Null(await tier.GetAsync("http://h/missing", default));
        var ttl = long.Parse(await redis.CliAsync("pttl", "tandem:cache:v:http://h/small"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 1, 800);
        Assert.True(await TestHttp.WaitUntilAsync(async () => await tier.GetAsync("http://h/small", default) is null, TimeSpan.FromSeconds(5)));
        Assert.Equal(large, await tier.GetAsync("http://h/large", default));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task GetAsync_AValueTandemDidNotWrite_ReturnsItsBytes()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one");
        await redis.CliAsync("set", "tandem:cache:v:http://h/foreign", "not a cache object");

        // Decoding (and refusing) a stored object is the cache stage's job: the tier hands back what is there.
        Assert.Equal(Bytes("not a cache object"), await tier.GetAsync("http://h/foreign", default));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_Key_RemovesThePrimaryAndEveryVariant_NotALongerKey()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one");
        string[] purged = ["http://h/p", "http://h/p\u001Fgzip", "http://h/p\u001Fbr"];
        string[] kept = ["http://h/p2", "http://h/p2\u001Fgzip", "http://h/q\u001Fgzip"];
        foreach (var key in purged.Concat(kept))
        {
            await tier.SetAsync(key, Bytes(key), Minute, [], default);
        }

        Assert.Equal(3, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/p"), default));

        foreach (var key in purged)
        {
            Assert.Null(await tier.GetAsync(key, default));
        }
        foreach (var key in kept)
        {
            Assert.Equal(Bytes(key), await tier.GetAsync(key, default));
        }
        Assert.Equal("0", (await redis.CliAsync("exists", "tandem:cache:vars:http://h/p")).Trim());
        Assert.Equal(0, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/p"), default));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_PrefixWithGlobCharacters_RemovesOnlyKeysStartingWithIt()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one");
        // Each pair: a key under the prefix, and one that the prefix would match as an unescaped glob.
        (string Prefix, string Under, string Lookalike)[] cases =
        [
            ("http://h/a[1]", "http://h/a[1]/x", "http://h/a1/x"),
            ("http://h/q?", "http://h/q?x=1", "http://h/qax=1"),
            ("http://h/st*", "http://h/st*r", "http://h/star"),
            ("http://h/b\\", "http://h/b\\s", "http://h/b"),
            ("http://h/c]", "http://h/c]d", "http://h/c"),
        ];
        foreach (var (_, under, lookalike) in cases)
        {
            await tier.SetAsync(under, Bytes(under), Minute, [], default);
            await tier.SetAsync(lookalike, Bytes(lookalike), Minute, [], default);
        }

        foreach (var (prefix, under, lookalike) in cases)
        {
            Assert.Equal(1, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, prefix), default));
            Assert.Null(await tier.GetAsync(under, default));
            Assert.Equal(Bytes(lookalike), await tier.GetAsync(lookalike, default));
        }
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_Prefix_RemovesManyKeysInBatches()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one", logs, o => o with { PurgeBatchSize = 50 });
        for (var i = 0; i < 1000; i++)
        {
            await tier.SetAsync($"http://shop/p/{i}", Bytes("x"), Minute, [], default);
            await tier.SetAsync($"http://shop/q/{i}", Bytes("x"), Minute, [], default);
        }

        Assert.True(1000 == await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://shop/p/"), default), string.Join('\n', logs.Messages()));

        Assert.Equal("1000", (await redis.CliAsync("dbsize")).Trim());
        Assert.Equal(1000, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, ""), default));
        Assert.Equal("0", (await redis.CliAsync("dbsize")).Trim());
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_Tag_RemovesEveryValueStoredWithIt()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one");
        await tier.SetAsync("http://h/a", Bytes("a"), TimeSpan.FromSeconds(60), ["product-1", "catalog"], default);
        await tier.SetAsync("http://h/b\u001Fgzip", Bytes("b"), TimeSpan.FromSeconds(120), ["product-1"], default);
        await tier.SetAsync("http://h/c", Bytes("c"), TimeSpan.FromSeconds(30), ["catalog"], default);
        await tier.SetAsync("http://h/d", Bytes("d"), Minute, [], default);

        // The tag's set lives as long as its longest-lived member.
        var ttl = long.Parse(await redis.CliAsync("pttl", "tandem:cache:tag:product-1"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 110_000, 120_000);
        Assert.Equal(2, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "product-1"), default));

        Assert.Null(await tier.GetAsync("http://h/a", default));
        Assert.Null(await tier.GetAsync("http://h/b\u001Fgzip", default));
        Assert.Equal(Bytes("c"), await tier.GetAsync("http://h/c", default));
        Assert.Equal(Bytes("d"), await tier.GetAsync("http://h/d", default));
        Assert.Equal(0, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "product-1"), default));
        // "catalog" still names a (now missing) a: only c is removed.
        Assert.Equal(1, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "catalog"), default));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task PurgeAsync_IsAnnouncedToEveryOtherTier_NotToItself()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        await using var one = await StartAvailableAsync([redis.Endpoint], "one");
        await using var two = await StartAvailableAsync([redis.Endpoint], "two");
        var heardByOne = Record(one);
        var heardByTwo = Record(two);

        await one.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/a"), default);
        await two.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "line\nbreak"), default);
        await one.PurgeAsync(new CachePurge(CachePurgeKind.Prefix, "http://h/"), default);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heardByTwo.Count == 2 && heardByOne.Count == 1), TimeSpan.FromSeconds(5)));
        Assert.Equal([new CachePurge(CachePurgeKind.Key, "http://h/a"), new CachePurge(CachePurgeKind.Prefix, "http://h/")], heardByTwo);
        Assert.Equal([new CachePurge(CachePurgeKind.Tag, "line\nbreak")], heardByOne);
        await Task.Delay(200);
        Assert.Equal(2, heardByTwo.Count);
        Assert.Single(heardByOne);
    }
}
