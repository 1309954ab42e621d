using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Selection;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Selection;

public sealed class ServerPickerTests
{
    [Fact]
    public void Acquire_RoomEverywhere_BalancersPickCountedInFlight()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"));

        var picks = new[] { Acquire(pool), Acquire(pool), Acquire(pool) };

        Assert.Equal(["a", "b", "a"], picks.Select(s => s?.Name));
        Assert.Equal(2, pool.FindServer("a")!.InFlight);
        Assert.Equal(1, pool.FindServer("b")!.InFlight);
    }

    [Fact]
    public void Acquire_PickIsFull_NextServerWithRoom()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin,
            TestServers.Config("a") with { MaxConnections = 1 }, TestServers.Config("b") with { MaxConnections = 1 });

        Assert.Equal("a", Acquire(pool)?.Name);
        Assert.Equal("b", Acquire(pool)?.Name);
        Assert.Null(Acquire(pool));
    }

    [Fact]
    public void Acquire_PrimariesFull_BackupTakesTheOverflow()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin,
            TestServers.Config("a") with { MaxConnections = 1 }, TestServers.Config("b", backup: true));

        Assert.Equal("a", Acquire(pool)?.Name);
        Assert.Equal("b", Acquire(pool)?.Name);
    }

    [Fact]
    public void Acquire_Retry_NeverAServerAlreadyTried()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("c"));
        var selection = new SelectionState();
        selection.Begin(new SelectionContext(IPAddress.Loopback, ClientHash.Of(IPAddress.Loopback)));

        var tried = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var server = ServerPicker.Acquire(pool, selection)!;
            selection.Tried(server);
            tried.Add(server.Name);
        }

        Assert.Equal(["a", "b", "c"], tried.Order());
        Assert.Null(ServerPicker.Acquire(pool, selection));
    }

    [Fact]
    public void Acquire_StuckServerFull_NothingRatherThanAnother()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin,
            TestServers.Config("a") with { MaxConnections = 1 }, TestServers.Config("b"));
        var a = pool.FindServer("a")!;
        Assert.True(a.TryStartRequest());
        var selection = new SelectionState();
        selection.Begin(default);
        selection.Stick(a, key: null);

        Assert.Null(ServerPicker.Acquire(pool, selection));

        selection.Tried(a);
        Assert.Equal("b", ServerPicker.Acquire(pool, selection)?.Name);
    }

    [Fact]
    public void Acquire_NoUsableServer_Null()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"));
        pool.SetHealth(pool.FindServer("a")!, HealthStatus.Down);

        Assert.Null(Acquire(pool));
    }

    [Fact]
    public void Begin_NextRequest_ForgetsStickyServerAndTriedOnes()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("c"));
        var selection = new SelectionState();
        selection.Begin(default);
        foreach (var server in pool.Servers)
        {
            selection.Tried(server);
        }
        selection.Stick(pool.Servers[0], key: 7);

        selection.Begin(default);

        Assert.Null(selection.StuckTo);
        Assert.Null(selection.StickyKey);
        Assert.All(pool.Servers, s => Assert.False(selection.WasTried(s)));
    }

    private static ServerState? Acquire(PoolState pool)
    {
        var selection = new SelectionState();
        selection.Begin(default);
        return ServerPicker.Acquire(pool, selection);
    }
}
