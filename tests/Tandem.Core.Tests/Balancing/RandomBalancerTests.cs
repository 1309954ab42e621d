using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

public sealed class RandomBalancerTests
{
    [Fact]
    public void Pick_TenEqualServers_EachWithinFivePercentOfEven()
    {
        var pool = TestServers.State(BalancingAlgorithms.Random, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted([.. Enumerable.Repeat(1, 10)]));

        var picks = TestServers.Picks(pool, 100_000);

        Assert.All(picks.GroupBy(n => n), group => Assert.InRange(group.Count(), 9_500, 10_500));
        Assert.Equal(10, picks.Distinct().Count());
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        List<string> Run() => TestServers.Picks(
            TestServers.State(BalancingAlgorithms.Random, TestServers.Services(new FakeTimeProvider(), seed: 42), TestServers.Weighted(5, 3)), 200);

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Pick_DifferentSeeds_DifferentSequences()
    {
        var one = TestServers.Picks(TestServers.State(BalancingAlgorithms.Random, TestServers.Services(new FakeTimeProvider(), seed: 1), TestServers.Weighted(1, 1)), 64);
        var two = TestServers.Picks(TestServers.State(BalancingAlgorithms.Random, TestServers.Services(new FakeTimeProvider(), seed: 2), TestServers.Weighted(1, 1)), 64);

        Assert.NotEqual(one, two);
    }
}
