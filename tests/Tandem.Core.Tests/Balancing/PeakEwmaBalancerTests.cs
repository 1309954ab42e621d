using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

public sealed class PeakEwmaBalancerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Pick_Slow200msAgainstFast1ms_FastGetsEveryPick()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 1, 1));
        Answer(pool.FindServer("a")!, 0.200);
        Answer(pool.FindServer("b")!, 0.001);
        Answer(pool.FindServer("c")!, 0.001);

        var picks = TestServers.Picks(pool, 10_000);

        Assert.Equal(0, picks.Count(n => n == "a"));
        Assert.InRange(picks.Count(n => n == "b"), 4_700, 5_300);
    }

    [Fact]
    public void Pick_SlowServerGetsNoMoreSamples_TriedAgainOnceItsAverageHasDecayed()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 1));
        var slow = pool.FindServer("a")!;
        var fast = pool.FindServer("b")!;
        Answer(slow, 0.200);
        Answer(fast, 0.001);
        int? triedAgainAfter = null;

        for (var second = 1; second <= 90 && triedAgainAfter is null; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Answer(fast, 0.001);
            if (TestServers.Picks(pool, 100).Contains("a"))
            {
                triedAgainAfter = second;
            }
        }

        // 200 ms decays below 1 ms after tau x ln(200) = 53 s.
        Assert.Equal(53, triedAgainAfter);
    }

    [Fact]
    public void Cost_UnmeasuredServer_FreeWhileIdlePenalizedOnceARequestIsInFlight()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 1));
        var fresh = pool.FindServer("a")!;
        var measured = pool.FindServer("b")!;
        Answer(measured, 5.0);
        var now = _time.GetTimestamp();

        var idle = PeakEwmaBalancer.Cost(fresh, now);
        fresh.RequestStarted();
        var busy = PeakEwmaBalancer.Cost(fresh, now);

        Assert.Equal(0, idle);
        Assert.True(busy > 1_000 * PeakEwmaBalancer.Cost(measured, now), $"unmeasured with one in flight costs {busy}");
    }

    [Fact]
    public void Pick_UnmeasuredServerWithARequestInFlight_NotFloodedBeforeItsFirstAnswer()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 1));
        var fresh = pool.FindServer("a")!;
        Answer(pool.FindServer("b")!, 0.500);

        var first = TestServers.Picks(pool, 1);
        fresh.RequestStarted();
        var whileWaiting = TestServers.Picks(pool, 100);
        fresh.RequestCompleted(200, serverFailed: false, seconds: 0.002, _time.GetTimestamp());
        var afterAnswer = TestServers.Picks(pool, 100);

        Assert.Equal(["a"], first);
        Assert.All(whileWaiting, name => Assert.Equal("b", name));
        Assert.All(afterAnswer, name => Assert.Equal("a", name));
    }

    [Fact]
    public void Pick_EqualLatency_FewerInFlightPerWeightWins()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 3));
        var a = pool.FindServer("a")!;
        var b = pool.FindServer("b")!;
        Answer(a, 0.010);
        Answer(b, 0.010);
        for (var i = 0; i < 4; i++)
        {
            b.RequestStarted();
        }

        // a: 10 ms x 1 / 1 = 10; b: 10 ms x 5 / 3 = 16.7.
        Assert.All(TestServers.Picks(pool, 100), name => Assert.Equal("a", name));
        a.RequestStarted();
        Assert.All(TestServers.Picks(pool, 100), name => Assert.Equal("b", name));
    }

    [Fact]
    public void Pick_ServerFailsFast_CountsAsSlow()
    {
        var pool = TestServers.State(BalancingAlgorithms.PeakEwma, TestServers.Services(_time), TestServers.Weighted(1, 1));
        var failing = pool.FindServer("a")!;
        failing.RequestStarted();
        failing.RequestCompleted(502, serverFailed: true, seconds: 0.0001, _time.GetTimestamp());
        Answer(pool.FindServer("b")!, 0.050);

        Assert.All(TestServers.Picks(pool, 100), name => Assert.Equal("b", name));
    }

    private void Answer(ServerState server, double seconds)
    {
        server.RequestStarted();
        server.RequestCompleted(200, serverFailed: false, seconds, _time.GetTimestamp());
    }
}
