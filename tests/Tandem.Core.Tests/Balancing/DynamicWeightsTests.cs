using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

/// <summary>
/// <see cref="DynamicWeights.Update"/> once per simulated second, with traffic recorded on the servers between ticks.
/// Weights are in tenths: a server of weight 10 has 100 at full weight and 10 at the 10% floor.
/// </summary>
public sealed class DynamicWeightsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly DynamicWeights _weights = new();

    [Fact]
    public void Update_Slow200msAgainstFast1ms_SlowNearFloorFastAtFullWeight()
    {
        var pool = Pool(10, 10);
        var (fast, slow) = (pool.Servers[0], pool.Servers[1]);
        Tick(pool);

        for (var second = 0; second < 8; second++)
        {
            Traffic(fast, 100, 0.001);
            Traffic(slow, 100, 0.200);
            Tick(pool);
        }

        Assert.Equal(100, fast.TenthsOfWeight);
        Assert.InRange(slow.TenthsOfWeight, 10, 15);
        // What users see: the fast server gets about 100 / 111 of the requests.
        Assert.InRange(TestServers.Picks(pool, 1_110).Count(n => n == fast.Name), 990, 1_010);
    }

    [Fact]
    public void Update_SlowServerRecovers_BackToFullWeight()
    {
        var pool = Pool(10, 10);
        var (fast, slow) = (pool.Servers[0], pool.Servers[1]);
        Tick(pool);
        for (var second = 0; second < 8; second++)
        {
            Traffic(fast, 100, 0.001);
            Traffic(slow, 100, 0.200);
            Tick(pool);
        }

        var recovered = new List<int>();
        for (var second = 0; second < 20; second++)
        {
            Traffic(fast, 100, 0.001);
            Traffic(slow, 100, 0.001);
            Tick(pool);
            recovered.Add(slow.TenthsOfWeight);
        }

        // Smoothed latency and weight: back within 5% of full weight in under 20 s, rising, never overshooting.
        Assert.InRange(recovered[^1], 95, 100);
        Assert.Equal(recovered.Order(), recovered);
        Assert.Equal(100, fast.TenthsOfWeight);
    }

    [Fact]
    public void Update_AnyLatencyErrorsAndLoad_NeverBelowTenPercentOfBaseNorAboveBase()
    {
        var random = new Random(20261125);
        var pool = Pool(1, 3, 10, 256);
        var reports = new Dictionary<ServerState, AgentReport?>();
        Tick(pool);

        for (var second = 0; second < 200; second++)
        {
            foreach (var server in pool.Servers)
            {
                // Latency from 10 us to 10 s, any error rate, sometimes a load report up to 100%.
                var latency = Math.Pow(10, -5 + (6 * random.NextDouble()));
                var requests = random.Next(0, 50);
                Traffic(server, requests, latency, failures: random.Next(0, requests + 1));
                reports[server] = random.Next(3) == 0 ? new AgentReport(random.Next(0, 101), null) : null;
            }
            var published = _weights.Update(pool, s => reports[s]);

            foreach (var (server, weight) in published)
            {
                Assert.InRange(weight, server.Weight, server.Weight * 10);
                Assert.Equal(weight, server.TenthsOfWeight);
            }
        }
    }

    [Fact]
    public void Update_EqualServersWithTenPercentLatencyNoise_WeightsStayEqualAndNeverChange()
    {
        var random = new Random(5);
        var pool = Pool(5, 5, 5);
        Tick(pool);

        for (var second = 0; second < 100; second++)
        {
            foreach (var server in pool.Servers)
            {
                Traffic(server, 50, 0.010 * (0.9 + (0.2 * random.NextDouble())));
            }
            Tick(pool);

            Assert.All(pool.Servers, server => Assert.Equal(50, server.TenthsOfWeight));
        }
    }

    [Fact]
    public void Update_AgentReports75PercentLoad_WeightMovesTowardAQuarter()
    {
        var pool = Pool(10, 10);
        var (loaded, other) = (pool.Servers[0], pool.Servers[1]);
        Tick(pool);

        for (var second = 0; second < 10; second++)
        {
            Traffic(loaded, 50, 0.010);
            Traffic(other, 50, 0.010);
            _weights.Update(pool, s => s == loaded ? AgentReport.TryParse("75%") : null);
        }

        // Half way to 25 each tick, published in steps of at least 5% of base.
        Assert.InRange(loaded.TenthsOfWeight, 25, 30);
        Assert.Equal(100, other.TenthsOfWeight);
    }

    [Fact]
    public void Update_AgentReportsWeight7_ThatIsTheBase()
    {
        var pool = Pool(1, 1);
        var (reporting, other) = (pool.Servers[0], pool.Servers[1]);

        for (var second = 0; second < 5; second++)
        {
            Traffic(reporting, 50, 0.010);
            Traffic(other, 50, 0.010);
            _weights.Update(pool, s => s == reporting ? AgentReport.TryParse("weight=7") : null);
        }

        Assert.Equal(70, reporting.TenthsOfWeight);
        Assert.Equal(10, other.TenthsOfWeight);
        Assert.Equal(700, TestServers.Picks(pool, 800).Count(n => n == reporting.Name));
    }

    [Fact]
    public void Update_HalfTheRequestsFail_WeightFallsTowardAQuarter()
    {
        var pool = Pool(10, 10);
        var (failing, healthy) = (pool.Servers[0], pool.Servers[1]);
        Tick(pool);

        for (var second = 0; second < 10; second++)
        {
            Traffic(failing, 100, 0.010, failures: 50);
            Traffic(healthy, 100, 0.010);
            Tick(pool);
        }

        // target = base x (1 - 0.5)^2.
        Assert.InRange(failing.TenthsOfWeight, 25, 35);
        Assert.Equal(100, healthy.TenthsOfWeight);
    }

    [Fact]
    public void Update_NoTrafficYet_FullWeights()
    {
        var pool = Pool(3, 7);

        var published = _weights.Update(pool, _ => null);

        Assert.Equal([30, 70], published.Select(p => p.Weight));
    }

    [Fact]
    public void Update_EqualServersWithInFlightJitterAtEachTick_WeightsNeverChange()
    {
        // Under real load the count of requests in flight at the instant of a tick jitters (1-3 here); the weights
        // use the average concurrency over the tick instead, so they must not follow that jitter.
        var random = new Random(11);
        var pool = Pool(10, 10);
        Tick(pool);
        var open = new List<ServerState>();

        for (var second = 0; second < 50; second++)
        {
            foreach (var server in open)
            {
                server.RequestCompleted(200, false, 0.010, _time.GetTimestamp());
            }
            open.Clear();
            foreach (var server in pool.Servers)
            {
                Traffic(server, 200, 0.010);
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    server.RequestStarted();
                    open.Add(server);
                }
            }
            Tick(pool);

            Assert.All(pool.Servers, server => Assert.Equal(100, server.TenthsOfWeight));
        }
    }

    private static PoolState Pool(params int[] weights) =>
        TestServers.State(BalancingAlgorithms.DynamicWeighted, TestServers.Weighted(weights));

    private void Tick(PoolState pool)
    {
        _weights.Update(pool, _ => null, TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
    }

    private void Traffic(ServerState server, int requests, double seconds, int failures = 0)
    {
        for (var i = 0; i < requests; i++)
        {
            server.RequestStarted();
            var failed = i < failures;
            server.RequestCompleted(failed ? 502 : 200, failed, seconds, _time.GetTimestamp());
        }
    }
}
