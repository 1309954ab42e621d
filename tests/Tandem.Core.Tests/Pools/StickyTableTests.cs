using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Core.Tests.Pools;

public sealed class StickyTableTests
{
    private const long T0 = 1_800_000_000_000;
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    private static StickyTable Table(int size = 100) => new(HashKey.ClientAddress, Ttl, size);

    [Fact]
    public void Learn_ThenFind_GivesTheServerUntilTheTtlPassesIdle()
    {
        var table = Table();
        table.Learn(1, "a", T0);

        Assert.Equal("a", table.Find(1, T0 + 1000));
        Assert.Equal("a", table.Find(1, T0 + 1000 + (long)Ttl.TotalMilliseconds));
        Assert.Null(table.Find(1, T0 + 2000 + 2 * (long)Ttl.TotalMilliseconds));
        Assert.Null(table.Find(2, T0));
    }

    [Fact]
    public void Sweep_ForgetsExpiredClientsThenTheLeastRecentlySeenBeyondTheSize()
    {
        var table = Table(size: 3);
        for (var key = 1UL; key <= 5; key++)
        {
            table.Learn(key, "a", T0 + (long)key * 1000);
        }
        table.Learn(9, "b", T0 - (long)Ttl.TotalMilliseconds - 1);

        var removed = table.Sweep(T0 + 6000);

        Assert.Equal(3, removed);
        Assert.Equal(3, table.Count);
        Assert.Equal(2, table.Evictions);
        Assert.Null(table.Find(1, T0 + 6000));
        Assert.Null(table.Find(2, T0 + 6000));
        Assert.Null(table.Find(9, T0 + 6000));
        Assert.Equal("a", table.Find(3, T0 + 6000));
    }

    [Fact]
    public void TakeChanges_NewAndMovedClientsOnce_SameServerAgainIsNoChange()
    {
        var table = Table();
        table.Learn(1, "a", T0);
        table.Learn(2, "a", T0);
        table.Learn(1, "a", T0 + 10);

        Assert.Equal([new StickyRecord(1, "a", T0 + 10), new StickyRecord(2, "a", T0)], table.TakeChanges(10));
        Assert.Empty(table.TakeChanges(10));

        table.Learn(2, "b", T0 + 20);
        Assert.Equal([new StickyRecord(2, "b", T0 + 20)], table.TakeChanges(10));
    }

    [Fact]
    public void Find_ClientActiveForAQuarterOfTheTtl_IsSharedAgainSoThePeersCopyDoesNotExpire()
    {
        var table = Table();
        table.Learn(1, "a", T0);
        table.TakeChanges(10);

        table.Find(1, T0 + 5000);
        Assert.Empty(table.TakeChanges(10));
        var quarter = T0 + (long)Ttl.TotalMilliseconds / 4;
        table.Find(1, quarter);
        Assert.Equal([new StickyRecord(1, "a", quarter)], table.TakeChanges(10));
    }

    [Fact]
    public void Merge_LaterSightingWins_UnknownIsAdded_ExpiredIsIgnored_NothingIsEchoed()
    {
        var table = Table();
        table.Learn(1, "a", T0 + 100);
        table.Learn(2, "a", T0 + 100);
        table.TakeChanges(10);

        var changed = table.Merge(
            [
                new StickyRecord(1, "b", T0 + 50),
                new StickyRecord(2, "b", T0 + 200),
                new StickyRecord(3, "b", T0 + 300),
                new StickyRecord(4, "b", T0 - 2 * (long)Ttl.TotalMilliseconds),
            ], T0 + 400);

        Assert.Equal(2, changed);
        Assert.Equal("a", table.Find(1, T0 + 400));
        Assert.Equal("b", table.Find(2, T0 + 400));
        Assert.Equal("b", table.Find(3, T0 + 400));
        Assert.Null(table.Find(4, T0 + 400));
        Assert.Empty(table.TakeChanges(10));
    }

    [Fact]
    public void Requeue_AfterAFailedSend_TheRecordsAreTakenAgain()
    {
        var table = Table();
        table.Learn(1, "a", T0);
        var taken = table.TakeChanges(10);

        table.Requeue(taken);

        Assert.Equal(taken, table.TakeChanges(10));
    }

    [Fact]
    public void Learn_ConcurrentClients_CountStaysExact()
    {
        var table = Table(size: 100_000);
        Parallel.For(0, 4, worker =>
        {
            for (var i = 0; i < 5000; i++)
            {
                table.Learn((ulong)(i % 2500), worker % 2 == 0 ? "a" : "b", T0 + i);
            }
        });

        Assert.Equal(2500, table.Count);
        Assert.Equal(2500, table.Snapshot(10_000).Count);
        Assert.Equal(2500, table.Clear());
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Cookie_TokensAreStableOpaqueAndDistinct_SetCookieCarriesMaxAge()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"));
        var cookie = new StickyCookie("app", new StickyConfig { Cookie = "srv", Ttl = TimeSpan.FromMinutes(2) }, pool.Servers);
        var a = pool.FindServer("a")!;

        var token = StickyCookie.TokenOf("app", "a");
        Assert.Matches("^[0-9a-f]{16}$", token);
        Assert.NotEqual(token, StickyCookie.TokenOf("app", "b"));
        Assert.NotEqual(token, StickyCookie.TokenOf("web", "a"));
        Assert.Same(a, cookie.Find(token));
        Assert.Null(cookie.Find("not-a-token"));
        Assert.Equal($"srv={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120", cookie.SetCookieFor(a));
    }

    [Fact]
    public void KeepsSticky_DrainingYes_DisabledOrDownNo_BackupOnlyWhileInRotation()
    {
        var pool = TestServers.State(BalancingAlgorithms.RoundRobin, TestServers.Config("a"), TestServers.Config("b"), TestServers.Config("spare", backup: true));
        var a = pool.FindServer("a")!;
        var b = pool.FindServer("b")!;
        var spare = pool.FindServer("spare")!;

        Assert.False(pool.KeepsSticky(spare));
        pool.SetAdminState(a, AdminState.Draining);
        Assert.True(pool.KeepsSticky(a));
        pool.SetAdminState(b, AdminState.Disabled);
        Assert.False(pool.KeepsSticky(b));
        Assert.True(pool.KeepsSticky(spare));
        pool.SetHealth(a, HealthStatus.Down, "test");
        Assert.False(pool.KeepsSticky(a));
    }
}
