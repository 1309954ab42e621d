using System.Diagnostics;
using System.Globalization;
using Tandem.Proxy.Caching;
using Tandem.Testing;
using Xunit.Abstractions;
using static Tandem.Proxy.Tests.Caching.Redis.RedisTiers;

namespace Tandem.Proxy.Tests.Caching.Redis;

/// <summary>Redis down, hung and back: the tier never throws, stays fast once its circuit is open, and recovers.</summary>
public sealed class RedisOutageTests(ITestOutputHelper output)
{
    private const int AvailableEvent = 1950;
    private const int UnavailableEvent = 1951;

    [RequiresFact("redis-server", "redis-cli")]
    public async Task Start_WhileRedisIsDown_ReturnsAtOnce_ThenConnectsAndSubscribesOnce()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        redis.Kill();
        var logs = new CapturingLoggerProvider();

        var started = Stopwatch.StartNew();
        await using var tier = Start([redis.Endpoint], "one", logs);
        var startCost = started.Elapsed;
        var get = Stopwatch.StartNew();
        Assert.Null(await tier.GetAsync("http://h/a", default));
        var getCost = get.Elapsed;
        Assert.False(tier.Available);
        await tier.SetAsync("http://h/a", Bytes("a"), TimeSpan.FromMinutes(1), [], default);
        output.WriteLine($"Start with Redis down: {startCost.TotalMilliseconds:F2} ms; a get: {getCost.TotalMilliseconds:F3} ms");
        Assert.True(startCost < TimeSpan.FromMilliseconds(500), "Start took " + startCost);
        Assert.True(getCost < TimeSpan.FromMilliseconds(50), "a get took " + getCost);

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(logs.Messages(UnavailableEvent).Count > 0), Wait));
        await redis.StartAgainAsync();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available), Wait));
        await tier.SetAsync("http://h/a", Bytes("a"), TimeSpan.FromMinutes(1), [], default);
        Assert.Equal(Bytes("a"), await tier.GetAsync("http://h/a", default));

        // Subscribed after the late connect, and only once.
        var heard = Record(tier);
        await using var other = await StartAvailableAsync([redis.Endpoint], "two");
        await other.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/a"), default);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(!heard.IsEmpty), TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        Assert.Single(heard);
        Assert.Single(logs.Messages(UnavailableEvent));
        Assert.Single(logs.Messages(AvailableEvent));
    }

    [RequiresFact("redis-server", "redis-cli")]
    public async Task RedisKilledUnderLoad_NoException_FastOnceOpen_BackWhenRestarted()
    {
        Requirements.Check(RedisServer.Tools);
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one", logs);
        await using var other = await StartAvailableAsync([redis.Endpoint], "two");
        var heard = Record(tier);
        var heardByOther = Record(other);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var slowest = TimeSpan.Zero;
            var calls = 0;
            for (var i = 0; i < 2_000_000 && !stop.IsCancellationRequested; i++, calls++)
            {
                var key = "http://h/" + ((i + worker) % 64).ToString(CultureInfo.InvariantCulture);
                var call = Stopwatch.GetTimestamp();
                if (i % 4 == 0)
                {
                    await tier.SetAsync(key, Bytes(key), TimeSpan.FromMinutes(1), ["load"], default);
                }
                else
                {
                    await tier.GetAsync(key, default);
                }
                var elapsed = Stopwatch.GetElapsedTime(call);
                slowest = elapsed > slowest ? elapsed : slowest;
                // A request does more than ask the cache: without a yield, four loops that complete at once (circuit
                // open) would hold both cores' pool threads and starve the timers and the client they measure.
                await Task.Yield();
            }
            return (calls, slowest);
        })).ToList();

        await Task.Delay(500);
        var killed = Stopwatch.StartNew();
        redis.Kill();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(!tier.Available), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1)));
        var timeToOpen = killed.Elapsed;

        // Open: a get is a check of one word.
        const int Gets = 100_000;
        var measured = Stopwatch.StartNew();
        for (var i = 0; i < Gets; i++)
        {
            Assert.Null(await tier.GetAsync("http://h/1", default));
        }
        var nanosecondsPerGet = measured.Elapsed.TotalNanoseconds / Gets;
        Assert.Equal(-1, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "load"), default));

        await Task.Delay(500);
        await stop.CancelAsync();
        var results = await Task.WhenAll(load);
        output.WriteLine($"circuit open {timeToOpen.TotalMilliseconds:F1} ms after the kill; a get while open: {nanosecondsPerGet:F0} ns; "
            + $"calls under load: {results.Sum(r => r.calls)}, slowest {results.Max(r => r.slowest).TotalMilliseconds:F1} ms");
        Assert.True(nanosecondsPerGet < 100_000, $"a get with the circuit open took {nanosecondsPerGet} ns");
        // A call in flight when Redis died waits out its operation timeout at most (plus scheduling on a loaded machine);
        // none hangs on the dead connection.
        Assert.True(results.Max(r => r.slowest) < OperationTimeout * 3, "a call took " + results.Max(r => r.slowest));
        Assert.Single(logs.Messages(UnavailableEvent));

        var restarted = Stopwatch.StartNew();
        await redis.StartAgainAsync();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available && other.Available), Wait));
        output.WriteLine($"available again {restarted.Elapsed.TotalMilliseconds:F0} ms after the restart");
        await tier.SetAsync("http://h/back", Bytes("back"), TimeSpan.FromMinutes(1), [], default);
        Assert.Equal(Bytes("back"), await tier.GetAsync("http://h/back", default));
        Assert.Equal(2, logs.Messages(AvailableEvent).Count);

        // The purge deferred while Redis was down is announced when it is back, and the subscriptions survived the restart.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heardByOther.Contains(new CachePurge(CachePurgeKind.Tag, "load"))), TimeSpan.FromSeconds(5)));
        await other.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/back"), default);
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heard.Contains(new CachePurge(CachePurgeKind.Key, "http://h/back"))), TimeSpan.FromSeconds(5)));
        Assert.Null(await tier.GetAsync("http://h/back", default));
    }

    [RequiresFact("redis-server", "redis-cli", "kill")]
    public async Task RedisHung_CallsBoundedByTheTimeout_PurgeKeptAndAppliedWhenItAnswers()
    {
        Requirements.Check([.. RedisServer.Tools, "kill"]);
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one", logs);
        await using var other = await StartAvailableAsync([redis.Endpoint], "two");
        var heardByOther = Record(other);
        await tier.SetAsync("http://h/old", Bytes("old"), TimeSpan.FromMinutes(1), ["news"], default);
        await tier.SetAsync("http://h/kept", Bytes("kept"), TimeSpan.FromMinutes(1), [], default);

        await redis.PauseAsync();
        try
        {
            var costs = new List<TimeSpan>();
            for (var i = 0; i < 5; i++)
            {
                var call = Stopwatch.StartNew();
                Assert.Null(await tier.GetAsync("http://h/kept", default));
                costs.Add(call.Elapsed);
            }
            output.WriteLine("gets while Redis hangs: " + string.Join(", ", costs.Select(c => c.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms")));
            Assert.False(tier.Available);
            // Three timeouts open the circuit (default FailuresToOpen); after that nothing waits.
            Assert.All(costs.Take(3), c => Assert.InRange(c, OperationTimeout * 0.9, OperationTimeout * 5));
            Assert.All(costs.Skip(3), c => Assert.True(c < OperationTimeout / 2, "a get took " + c));
            Assert.Equal(-1, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Tag, "news"), default));
        }
        finally
        {
            await redis.ResumeAsync();
        }

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available), Wait));
        Assert.Null(await tier.GetAsync("http://h/old", default));
        Assert.Equal(Bytes("kept"), await tier.GetAsync("http://h/kept", default));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heardByOther.Contains(new CachePurge(CachePurgeKind.Tag, "news"))), TimeSpan.FromSeconds(5)));
        Assert.Single(logs.Messages(1952));
        Assert.Single(logs.Messages(1954));
    }

    [RequiresFact("redis-server", "redis-cli", "kill")]
    public async Task PurgesPastTheBoundWhileRedisHangs_BecomeOnePurgeOfEverything()
    {
        Requirements.Check([.. RedisServer.Tools, "kill"]);
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var tier = await StartAvailableAsync([redis.Endpoint], "one", logs, o => o with { MaxPendingPurges = 2 });
        await using var other = await StartAvailableAsync([redis.Endpoint], "two");
        var heardByOther = Record(other);
        await tier.SetAsync("http://h/a", Bytes("a"), TimeSpan.FromMinutes(1), [], default);
        await tier.SetAsync("http://h/b", Bytes("b"), TimeSpan.FromMinutes(1), [], default);

        await redis.PauseAsync();
        try
        {
            Assert.True(await TestHttp.WaitUntilAsync(async () =>
            {
                await tier.GetAsync("http://h/a", default);
                return !tier.Available;
            }, TimeSpan.FromSeconds(5)));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(-1, await tier.PurgeAsync(new CachePurge(CachePurgeKind.Key, "http://h/x" + i.ToString(CultureInfo.InvariantCulture)), default));
            }
        }
        finally
        {
            await redis.ResumeAsync();
        }

        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(tier.Available), Wait));
        Assert.Equal("0", (await redis.CliAsync("dbsize")).Trim());
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(heardByOther.Contains(new CachePurge(CachePurgeKind.Prefix, ""))), TimeSpan.FromSeconds(5)));
        Assert.Single(logs.Messages(1953));
        Assert.Equal(["Applied 3 cache purges that waited for Redis"], logs.Messages(1954));
    }
}
