using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Selection;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Selection;

public sealed class StickySelectionTests
{
    private const long Now = 1_000_000;

    [Fact]
    public void FromTable_RememberedServerUp_StuckThereAndCountedKept()
    {
        var pool = StickyPool(StickyMode.Table);
        StickySelection.Remember(pool, pool.FindServer("b")!, key: 42, Now);
        var selection = new SelectionState();
        selection.Begin(default);

        StickySelection.FromTable(pool, selection, key: 42, Now);

        Assert.Equal("b", selection.StuckTo?.Name);
        Assert.Equal(42UL, selection.StickyKey);
        Assert.Equal(1, pool.Sticky.Hits);
        Assert.False(StickySelection.Learns(pool, selection, pool.FindServer("b")!));
        Assert.True(StickySelection.Learns(pool, selection, pool.FindServer("a")!));
    }

    [Fact]
    public void FromTable_RememberedServerDisabled_BalancedAfreshAndCountedMoved()
    {
        var pool = StickyPool(StickyMode.Table);
        StickySelection.Remember(pool, pool.FindServer("b")!, key: 42, Now);
        pool.SetAdminState(pool.FindServer("b")!, AdminState.Disabled);
        var selection = new SelectionState();
        selection.Begin(default);

        StickySelection.FromTable(pool, selection, key: 42, Now);

        Assert.Null(selection.StuckTo);
        Assert.Equal(42UL, selection.StickyKey);
        Assert.Equal(1, pool.Sticky.Moves);
    }

    [Fact]
    public void FromTable_UnknownKey_NotStuckNothingCounted()
    {
        var pool = StickyPool(StickyMode.Table);
        var selection = new SelectionState();
        selection.Begin(default);

        StickySelection.FromTable(pool, selection, key: 7, Now);

        Assert.Null(selection.StuckTo);
        Assert.Equal(7UL, selection.StickyKey);
        Assert.Equal(0, pool.Sticky.Hits + pool.Sticky.Moves);
    }

    [Fact]
    public void FromCookie_TokenOfAServer_StuckThere()
    {
        var pool = StickyPool(StickyMode.Cookie);
        var selection = new SelectionState();
        selection.Begin(default);

        StickySelection.FromCookie(pool, selection, StickyCookie.TokenOf("app", "b"));

        Assert.Equal("b", selection.StuckTo?.Name);
        Assert.Null(selection.StickyKey);
        Assert.False(StickySelection.Learns(pool, selection, pool.FindServer("a")!));
    }

    private static PoolState StickyPool(StickyMode mode) =>
        new PoolRegistry(NullServerTelemetry.Instance).Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"))
            with { Sticky = new StickyConfig { Mode = mode } }])["app"];
}
