using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Health;

public sealed class OutlierDetectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Record_FiveFailuresInARow_EjectedWithReasonAndNotPicked()
    {
        var pool = Pool(new PassiveHealthConfig(), 4);
        var a = pool.Servers[0];
        var changes = new List<HealthChange>();
        pool.HealthChanged += (_, _, change) => changes.Add(change);

        Fail(pool, a, 4);
        Assert.False(a.Ejected);
        Fail(pool, a, 1);

        Assert.True(a.Ejected);
        Assert.Equal("down", a.StateName);
        Assert.DoesNotContain("a", TestServers.Picks(pool, 30));
        Assert.Equal("ejected for 10 s after 5 server failures in a row", Assert.Single(changes).Reason);
    }

    [Fact]
    public void Record_SuccessBetweenFailures_ResetsTheRun()
    {
        var pool = Pool(new PassiveHealthConfig(), 2);
        var a = pool.Servers[0];

        Fail(pool, a, 4);
        OutlierDetector.Record(pool, a, 200, serverFailed: false);
        Fail(pool, a, 4);

        Assert.False(a.Ejected);
        Assert.Equal(4, a.ConsecutiveFailures);
    }

    [Fact]
    public void Sweep_EjectionTimeOver_ReadmittedThenDoubledOnRepeatAndResetAfterACleanPeriod()
    {
        var pool = Pool(new PassiveHealthConfig { ConsecutiveFailures = 1, EjectionTime = TimeSpan.FromSeconds(10) }, 4);
        var a = pool.Servers[0];

        Fail(pool, a, 1);
        _time.Advance(TimeSpan.FromSeconds(9.9));
        OutlierDetector.Sweep(pool);
        Assert.True(a.Ejected);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        OutlierDetector.Sweep(pool);
        Assert.False(a.Ejected);
        Assert.Equal("readmitted: its ejection time is over", a.LastChange!.Reason);

        Fail(pool, a, 1);
        Assert.Equal("ejected for 20 s after 1 server failures in a row", a.LastChange!.Reason);
        _time.Advance(TimeSpan.FromSeconds(20));
        OutlierDetector.Sweep(pool);
        Assert.False(a.Ejected);

        // Twice the base time in rotation without an ejection: the next one is back to the base time.
        _time.Advance(TimeSpan.FromSeconds(20));
        OutlierDetector.Sweep(pool);
        Fail(pool, a, 1);
        Assert.Equal("ejected for 10 s after 1 server failures in a row", a.LastChange!.Reason);
    }

    [Fact]
    public void Record_TwoServersBothFailing_OnlyHalfEjected()
    {
        var pool = Pool(new PassiveHealthConfig { ConsecutiveFailures = 1 }, 2);

        Fail(pool, pool.Servers[0], 3);
        Fail(pool, pool.Servers[1], 3);

        Assert.True(pool.Servers[0].Ejected);
        Assert.False(pool.Servers[1].Ejected);
        Assert.Equal(1, pool.UsableCount);
    }

    [Fact]
    public void Record_LoneServerFailing_EjectedDespiteTheCapAndPoolEmpty()
    {
        var pool = Pool(new PassiveHealthConfig { ConsecutiveFailures = 2 }, 1);

        Fail(pool, pool.Servers[0], 2);

        Assert.True(pool.Servers[0].Ejected);
        Assert.Equal("down", pool.Servers[0].StateName);
        Assert.Equal(0, pool.UsableCount);
        Assert.Equal("-", TestServers.Picks(pool, 1)[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void Record_LowCapThreeServersAllFailing_ExactlyOneEjected(int maxEjectionPercent)
    {
        var pool = Pool(new PassiveHealthConfig { ConsecutiveFailures = 1, MaxEjectionPercent = maxEjectionPercent }, 3);

        foreach (var server in pool.Servers)
        {
            Fail(pool, server, 3);
        }

        Assert.Equal(1, pool.Servers.Count(s => s.Ejected));
        Assert.Equal(2, pool.UsableCount);
    }

    [Fact]
    public void Record_5xx_CountsOnlyWithCount5xx()
    {
        var plain = Pool(new PassiveHealthConfig { ConsecutiveFailures = 2 }, 2);
        var counting = Pool(new PassiveHealthConfig { ConsecutiveFailures = 2, Count5xx = true }, 2);

        for (var i = 0; i < 3; i++)
        {
            OutlierDetector.Record(plain, plain.Servers[0], 500, serverFailed: false);
            OutlierDetector.Record(counting, counting.Servers[0], 503, serverFailed: false);
        }

        Assert.False(plain.Servers[0].Ejected);
        Assert.True(counting.Servers[0].Ejected);
        Assert.Equal("ejected for 10 s after 2 503 answers in a row", counting.Servers[0].LastChange!.Reason);
    }

    [Fact]
    public void Record_ConsecutiveFailuresZero_Off()
    {
        var pool = Pool(new PassiveHealthConfig { ConsecutiveFailures = 0 }, 2);

        Fail(pool, pool.Servers[0], 100);

        Assert.False(pool.Servers[0].Ejected);
    }

    private PoolState Pool(PassiveHealthConfig passive, int servers)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance, TestServers.Services(_time));
        var config = TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Weighted([.. Enumerable.Repeat(1, servers)])) with { Passive = passive };
        return registry.Apply([config])["app"];
    }

    private static void Fail(PoolState pool, ServerState server, int times)
    {
        for (var i = 0; i < times; i++)
        {
            OutlierDetector.Record(pool, server, 502, serverFailed: true);
        }
    }
}
