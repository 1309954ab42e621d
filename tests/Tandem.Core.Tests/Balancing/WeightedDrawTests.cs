using Tandem.Core.Balancing;
using Tandem.Core.Tests.Pools;
using Tandem.Testing;

namespace Tandem.Core.Tests.Balancing;

public sealed class WeightedDrawTests
{
    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 256, 1 })]
    [InlineData(new[] { 1, 256 })]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 1, 2, 7 })]
    [InlineData(new[] { 256, 1, 1 })]
    [InlineData(new[] { 3, 3, 3, 3, 3 })]
    public void NextOther_AnyWeights_NeverReturnsTheFirst(int[] weights)
    {
        var pool = TestServers.State(BalancingAlgorithms.Random, TestServers.Weighted(weights));
        var draw = new WeightedDraw(pool.Servers);
        var random = new SeededRandomSource(3);
        var seconds = new int[weights.Length];

        for (var i = 0; i < 20_000; i++)
        {
            var first = draw.Next(random);
            var second = draw.NextOther(random, first);
            Assert.NotEqual(first, second);
            Assert.InRange(second, 0, weights.Length - 1);
            seconds[second]++;
        }

        Assert.All(seconds, count => Assert.True(count > 0));
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 1, 2, 7 })]
    [InlineData(new[] { 256, 1, 17 })]
    public void Next_ManyDraws_SharesFollowWeights(int[] weights)
    {
        var pool = TestServers.State(BalancingAlgorithms.Random, TestServers.Weighted(weights));
        var draw = new WeightedDraw(pool.Servers);
        var random = new SeededRandomSource(5);
        var counts = new int[weights.Length];

        for (var i = 0; i < 100_000; i++)
        {
            counts[draw.Next(random)]++;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal((double)weights[i] / weights.Sum(), counts[i] / 100_000.0, 0.005);
        }
    }
}
