using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Health;

public sealed class SlowStartTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Apply_ServerBackUp_RampsFromTenPercentToFullOverTheWindowThenClears()
    {
        var pool = Pool(TimeSpan.FromSeconds(10));
        var b = pool.Servers[1];
        _time.Advance(TimeSpan.FromSeconds(30));
        SlowStart.Apply(pool);
        Assert.Equal(0, b.DynamicWeight);

        pool.SetHealth(b, HealthStatus.Down, "test");
        pool.SetHealth(b, HealthStatus.Up, "test");
        var ramp = new List<double>();
        for (var second = 0; second <= 10; second += 5)
        {
            SlowStart.Apply(pool);
            ramp.Add(b.EffectiveWeight);
            _time.Advance(TimeSpan.FromSeconds(5));
        }
        SlowStart.Apply(pool);

        Assert.Equal([1, 5.5, 10], ramp);
        Assert.Equal(0, b.DynamicWeight);
        Assert.Equal(10, b.EffectiveWeight);
        Assert.Equal(10, pool.Servers[0].EffectiveWeight);
    }

    [Fact]
    public void Factor_NoWindowOrUnusable_Full()
    {
        var pool = Pool(null);

        Assert.Equal(1, SlowStart.Factor(pool.Servers[0], null, _time));
        Assert.Equal(1, SlowStart.Factor(pool.Servers[0], TimeSpan.Zero, _time));
    }

    private PoolState Pool(TimeSpan? window)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance, TestServers.Services(_time));
        var config = TestServers.Pool(BalancingAlgorithms.WeightedRoundRobin, TestServers.Weighted(10, 10)) with { SlowStart = window };
        return registry.Apply([config])["app"];
    }
}
