using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

public sealed class PowerOfTwoChoicesTests
{
    [Fact]
    public void Pick_OneServerWith50InFlightAgainstAnIdleOne_IdleGetsEveryPick()
    {
        var pool = TestServers.State(BalancingAlgorithms.PowerOfTwoChoices, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted(1, 1));
        Start(pool.FindServer("a")!, 50);

        var picks = TestServers.Picks(pool, 10_000);

        // Both servers are always the two candidates, so the loaded one never wins.
        Assert.Equal(10_000, picks.Count(n => n == "b"));
    }

    [Fact]
    public void Pick_OneOfThreeHeavilyLoaded_ItGetsNothingAndTheOthersShare()
    {
        var pool = TestServers.State(BalancingAlgorithms.PowerOfTwoChoices, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted(1, 1, 1));
        Start(pool.FindServer("a")!, 50);

        var picks = TestServers.Picks(pool, 30_000);

        Assert.Equal(0, picks.Count(n => n == "a"));
        Assert.InRange(picks.Count(n => n == "b"), 14_500, 15_500);
    }

    [Fact]
    public void Pick_LoadPerWeight_HeavierWeightTakesMoreInFlight()
    {
        // b has 10 in flight on weight 4 (2.5 per unit), a has 3 on weight 1: b is the lighter.
        var pool = TestServers.State(BalancingAlgorithms.PowerOfTwoChoices, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted(1, 4));
        Start(pool.FindServer("a")!, 3);
        Start(pool.FindServer("b")!, 10);

        Assert.All(TestServers.Picks(pool, 1_000), name => Assert.Equal("b", name));
    }

    [Fact]
    public void Explain_ManyRequests_TwoDifferentCandidatesAndTheLighterIsNamed()
    {
        var pool = TestServers.State(BalancingAlgorithms.PowerOfTwoChoices, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted(8, 1, 1));
        Start(pool.FindServer("a")!, 5);
        var context = default(SelectionContext);

        for (var i = 0; i < 1_000; i++)
        {
            var explanation = pool.Selector.Explain(in context);
            var candidates = explanation.Facts["candidates"].Split(", ");

            Assert.Equal(2, candidates.Length);
            Assert.NotEqual(candidates[0], candidates[1]);
            Assert.Contains(explanation.Server!.Name, candidates);
            // a has 5 in flight per 8 units (0.625), b and c have none: a is named only when it is not drawn.
            Assert.NotEqual("a", explanation.Server.Name);
        }
    }

    [Fact]
    public void Pick_SameSeed_SameSequence()
    {
        List<string> Run() => TestServers.Picks(
            TestServers.State(BalancingAlgorithms.PowerOfTwoChoices, TestServers.Services(new FakeTimeProvider(), seed: 42), TestServers.Weighted(1, 2, 7)), 200);

        Assert.Equal(Run(), Run());
    }

    private static void Start(ServerState server, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            server.RequestStarted();
        }
    }
}
