using Tandem.Core.Balancing;
using Tandem.Core.Tests.Pools;
using Tandem.Testing;

namespace Tandem.Core.Tests.Balancing;

public sealed class WeightedRoundRobinTests
{
    [Fact]
    public void SmoothSequence_Weights5And3_IsNginxOrder()
    {
        var order = WeightedRoundRobinBalancer.SmoothSequence([5, 3]);

        Assert.Equal("a,b,a,a,b,a,b,a", string.Join(",", order.Select(i => "ab"[i])));
    }

    [Fact]
    public void SmoothSequence_Weights5And1And1_SpreadsTheHeavyServer()
    {
        // nginx's documented example: {a, a, b, a, c, a, a} for weights 5, 1, 1.
        var order = WeightedRoundRobinBalancer.SmoothSequence([5, 1, 1]);

        Assert.Equal("aabacaa", string.Concat(order.Select(i => "abc"[i])));
    }

    [Fact]
    public void SmoothSequence_CommonDivisor_PeriodIsReduced()
    {
        Assert.Equal(WeightedRoundRobinBalancer.SmoothSequence([5, 3]), WeightedRoundRobinBalancer.SmoothSequence([50, 30]));
        Assert.Equal(2, WeightedRoundRobinBalancer.SmoothSequence([7, 7]).Length);
    }

    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 256, 1, 17 })]
    [InlineData(new[] { 2, 3, 5, 7, 11, 13 })]
    public void SmoothSequence_AnyWeights_ProportionsMatchWeightsExactlyPerPeriod(int[] weights)
    {
        var order = WeightedRoundRobinBalancer.SmoothSequence(weights);
        var gcd = weights.Aggregate(0, (g, w) => System.Numerics.BigInteger.GreatestCommonDivisor(g, w) is var d ? (int)d : g);

        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal(weights[i] / gcd, order.Count(x => x == i));
        }
    }

    [Fact]
    public void SmoothSequence_RandomWeights_EveryPrefixStaysCloseToTheWeights()
    {
        var random = new Random(20261125);
        for (var trial = 0; trial < 300; trial++)
        {
            var weights = Enumerable.Range(0, random.Next(2, 8)).Select(_ => random.Next(1, 257)).ToArray();
            var order = WeightedRoundRobinBalancer.SmoothSequence(weights);
            var total = order.Length;
            var counts = new int[weights.Length];
            for (var n = 1; n <= total; n++)
            {
                counts[order[n - 1]]++;
                for (var server = 0; server < weights.Length; server++)
                {
                    // Smoothness: after any n picks, each server is within N picks of its exact share (no bursts, no starvation).
                    var ideal = (double)n * weights[server] / weights.Sum();
                    Assert.True(Math.Abs(counts[server] - ideal) < weights.Length,
                        $"weights {string.Join(",", weights)}: after {n} picks server {server} has {counts[server]}, ideal {ideal:F1}");
                }
            }
            for (var server = 0; server < weights.Length; server++)
            {
                var share = order.Count(x => x == server);
                var positions = Enumerable.Range(0, total * 2).Where(p => order[p % total] == server).ToList();
                var maxGap = positions.Zip(positions.Skip(1), (x, y) => y - x).Max();
                Assert.True(maxGap <= 2 * ((total + share - 1) / share), $"weights {string.Join(",", weights)}: server {server} waited {maxGap}");
            }
        }
    }

    [Fact]
    public void Pick_EqualWeights_PlainRotation()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("c"));

        Assert.Equal("a,b,c,a,b,c,a", string.Join(",", TestServers.Picks(pool, 7)));
    }

    [Fact]
    public void Pick_RoundRobinHonoursWeightsLikeNginxAndHaproxy()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a", 5), TestServers.Config("b", 3));

        Assert.Equal("a,b,a,a,b,a,b,a", string.Join(",", TestServers.Picks(pool, 8)));
    }

    [Fact]
    public void Pick_ConcurrentThreads_EveryPickAccountedForInProportion()
    {
        var pool = TestServers.State(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", 5), TestServers.Config("b", 3));
        var counts = new int[2];
        Parallel.For(0, 8, _ =>
        {
            var context = default(SelectionContext);
            for (var i = 0; i < 10_000; i++)
            {
                Interlocked.Increment(ref counts[pool.Pick(in context)!.Name == "a" ? 0 : 1]);
            }
        });

        Assert.Equal(50_000, counts[0]);
        Assert.Equal(30_000, counts[1]);
    }

    [Fact]
    public void Pick_AllocatesNothing()
    {
        var pool = TestServers.State(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", 5), TestServers.Config("b", 3));
        var warmUp = default(SelectionContext);
        pool.Pick(in warmUp);

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            var context = default(SelectionContext);
            for (var i = 0; i < 10_000; i++)
            {
                pool.Pick(in context);
            }
        });

        Assert.Equal(0, allocated);
    }
}
