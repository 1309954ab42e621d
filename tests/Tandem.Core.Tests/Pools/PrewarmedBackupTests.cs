using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Selection;

namespace Tandem.Core.Tests.Pools;

public sealed class PrewarmedBackupTests
{
    [Fact]
    public void SetPrewarmed_Backup_ServesAlongsidePrimariesWithSlowStartThenParks()
    {
        var time = new FakeTimeProvider();
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Services(time),
            TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("c", backup: true));
        var c = pool.FindServer("c")!;
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, pool.UsableCount);

        pool.SetPrewarmed(c, true);

        Assert.True(c.Prewarmed);
        Assert.Equal(3, pool.UsableCount);
        Assert.Contains("c", TestServers.Picks(pool, 6));
        Assert.Equal(0.1, SlowStart.Factor(c, TimeSpan.FromSeconds(30), time), 3);

        pool.SetPrewarmed(c, false);

        Assert.Equal(2, pool.UsableCount);
        Assert.DoesNotContain("c", TestServers.Picks(pool, 6));
    }

    [Fact]
    public void SetPrewarmed_Primary_NoEffect()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b", backup: true));

        pool.SetPrewarmed(pool.FindServer("a")!, true);

        Assert.False(pool.FindServer("a")!.Prewarmed);
    }

    [Fact]
    public void Select_AllPrimariesDown_EveryUsableBackupNotOnlyTheWokenOne()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin,
            TestServers.Config("a"), TestServers.Config("b", backup: true), TestServers.Config("c", backup: true));
        pool.SetPrewarmed(pool.FindServer("b")!, true);

        pool.SetHealth(pool.FindServer("a")!, HealthStatus.Down);

        Assert.Equal(["b", "c"], UsableServers.Select(pool.Servers).Select(s => s.Name));
    }
}
