using Tandem.Core.Balancing;
using Tandem.Core.Pools;

namespace Tandem.Core.Tests.Pools;

public sealed class PoolStateTests
{
    [Fact]
    public void SetAdminState_Draining_ServerLeavesRotationAndComesBack()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"));
        var a = pool.FindServer("a")!;

        pool.SetAdminState(a, AdminState.Draining);
        var whileDraining = TestServers.Picks(pool, 4);
        pool.SetAdminState(a, AdminState.Enabled);
        var after = TestServers.Picks(pool, 4);

        Assert.All(whileDraining, name => Assert.Equal("b", name));
        Assert.Equal(2, after.Count(n => n == "a"));
        Assert.Equal("up", a.StateName);
    }

    [Fact]
    public void SetAdminState_AllDisabled_PicksNothing()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"));
        pool.SetAdminState(pool.FindServer("a")!, AdminState.Disabled);

        Assert.Equal("-", TestServers.Picks(pool, 1)[0]);
        Assert.Equal(0, pool.UsableCount);
        Assert.Equal("disabled", pool.FindServer("a")!.StateName);
    }

    [Fact]
    public void Backup_UsedOnlyWhileNoPrimaryIsUsable()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin,
            TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("standby", backup: true));

        var normal = TestServers.Picks(pool, 4);
        pool.SetHealth(pool.FindServer("a")!, HealthStatus.Down);
        pool.SetAdminState(pool.FindServer("b")!, AdminState.Draining);
        var failedOver = TestServers.Picks(pool, 3);
        var stateWhileDown = pool.FindServer("a")!.StateName;
        pool.SetHealth(pool.FindServer("a")!, HealthStatus.Up);
        var recovered = TestServers.Picks(pool, 3);

        Assert.DoesNotContain("standby", normal);
        Assert.All(failedOver, n => Assert.Equal("standby", n));
        Assert.All(recovered, n => Assert.Equal("a", n));
        Assert.Equal("down", stateWhileDown);
        Assert.Equal("up", pool.FindServer("a")!.StateName);
    }

    [Fact]
    public void SetWeight_RuntimeWeight_ChangesProportionsAndNullRestoresFileWeight()
    {
        var pool = TestServers.State(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", 1), TestServers.Config("b", 1));
        var a = pool.FindServer("a")!;

        pool.SetWeight(a, 3);
        var weighted = TestServers.Picks(pool, 8);
        pool.SetWeight(a, null);
        var restored = TestServers.Picks(pool, 8);

        Assert.Equal(6, weighted.Count(n => n == "a"));
        Assert.Equal(4, restored.Count(n => n == "a"));
        Assert.False(a.HasWeightOverride);
        Assert.Equal(1, a.Weight);
    }

    [Fact]
    public void SetWeight_OutOfRange_Throws()
    {
        var pool = TestServers.State(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a"));

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.SetWeight(pool.FindServer("a")!, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.SetWeight(pool.FindServer("a")!, 257));
    }

    [Fact]
    public void ServerChanged_RaisedOncePerRealChange()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"));
        var changes = 0;
        pool.ServerChanged += (_, _) => changes++;

        pool.SetAdminState(pool.FindServer("a")!, AdminState.Draining);
        pool.SetAdminState(pool.FindServer("a")!, AdminState.Draining);
        pool.SetWeight(pool.FindServer("a")!, 4);

        Assert.Equal(2, changes);
    }
}
