using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

public sealed class LeastConnectionsTests
{
    [Theory]
    [InlineData(3, 5, "b")] // a: 3 per unit of weight, b: 2.5
    [InlineData(2, 5, "a")] // a: 2, b: 2.5
    [InlineData(0, 1, "a")]
    public void Pick_InFlightPerWeight_FewestWins(int inFlightA, int inFlightB, string expected)
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(1, 2));
        Start(pool.FindServer("a")!, inFlightA);
        Start(pool.FindServer("b")!, inFlightB);

        Assert.All(TestServers.Picks(pool, 10), name => Assert.Equal(expected, name));
    }

    [Fact]
    public void Pick_TwoIdleServers_Alternate()
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(1, 1));

        Assert.Equal("a,b,a,b,a,b", string.Join(",", TestServers.Picks(pool, 6)));
    }

    [Fact]
    public void Pick_IdleWeights5And3_TiesFollowSmoothWeightedRoundRobin()
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(5, 3));

        Assert.Equal("a,b,a,a,b,a,b,a,a,b,a,a,b,a,b,a", string.Join(",", TestServers.Picks(pool, 16)));
    }

    [Fact]
    public void Pick_OneServerBusy_TheIdleOnesShareEvenly()
    {
        // A long request (a stream, a WebSocket) holds a; its turns must not all go to its neighbour b.
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(1, 1, 1, 1));
        Start(pool.FindServer("a")!, 1);

        var picks = TestServers.Picks(pool, 12_000);

        Assert.Equal(0, picks.Count(n => n == "a"));
        Assert.All(["b", "c", "d"], name => Assert.InRange(picks.Count(n => n == name), 3_800, 4_200));
    }

    [Fact]
    public void Pick_OneServerBusyOthersWeighted_IdleOnesShareByWeight()
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(4, 1, 3));
        Start(pool.FindServer("a")!, 1);

        var picks = TestServers.Picks(pool, 8_000);

        Assert.Equal(0, picks.Count(n => n == "a"));
        Assert.InRange(picks.Count(n => n == "b"), 1_800, 2_200);
        Assert.InRange(picks.Count(n => n == "c"), 5_800, 6_200);
    }

    [Fact]
    public void Pick_EachPickStartsARequest_InFlightStaysLevelPerWeight()
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(1, 2, 7));

        for (var i = 0; i < 1_000; i++)
        {
            var context = default(SelectionContext);
            pool.Pick(in context)!.RequestStarted();
            // Nothing completes: every pick goes to the least loaded, so in-flight per weight never spreads by more than one request.
            var loads = pool.Servers.Select(s => (double)s.InFlight / s.Weight).ToList();
            Assert.True(loads.Max() - loads.Min() <= 1, $"after {i + 1} picks: {string.Join(", ", pool.Servers.Select(s => $"{s.Name}={s.InFlight}"))}");
        }
        Assert.Equal([100, 200, 700], pool.Servers.Select(s => s.InFlight));
    }

    [Fact]
    public void Pick_RequestsComplete_ServerWinsAgain()
    {
        var pool = TestServers.State(BalancingAlgorithms.LeastConnections, TestServers.Weighted(1, 1));
        var a = pool.FindServer("a")!;
        Start(a, 2);
        var whileBusy = TestServers.Picks(pool, 3);

        a.RequestCompleted(200, false, 0.01);
        a.RequestCompleted(200, false, 0.01);

        Assert.Equal(["b", "b", "b"], whileBusy);
        Assert.Contains("a", TestServers.Picks(pool, 2));
    }

    private static void Start(ServerState server, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            server.RequestStarted();
        }
    }
}
