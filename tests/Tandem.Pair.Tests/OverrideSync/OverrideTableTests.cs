using Tandem.Pair.OverrideSync;

namespace Tandem.Pair.Tests.OverrideSync;

public sealed class OverrideTableTests
{
    [Fact]
    public void RecordLocal_Changes_GetIncreasingSequences()
    {
        var table = new OverrideTable("a");

        table.RecordLocal("app", "s1", "weight", 3, null, 1000);
        table.RecordLocal("app", "s2", "state", null, "draining", 1001);

        Assert.Equal(2, table.LastSeq);
        var (entries, seq) = table.LocalSince(1);
        Assert.Equal(2, seq);
        Assert.Equal("s2", Assert.Single(entries).Server);
    }

    [Fact]
    public void TryMerge_OlderThanHeld_Refused()
    {
        var table = new OverrideTable("a");
        table.RecordLocal("app", "s1", "weight", 3, null, 2000);

        Assert.False(table.TryMerge(new OverrideEntry("app", "s1", "weight", 9, null, 1999, "b")));
        Assert.True(table.TryMerge(new OverrideEntry("app", "s1", "weight", 9, null, 2001, "b")));
        Assert.Equal(9, Assert.Single(table.All()).Weight);
    }

    [Fact]
    public void TryMerge_SameTime_HigherNodeNameWins()
    {
        var table = new OverrideTable("a");
        table.RecordLocal("app", "s1", "weight", 3, null, 2000);

        Assert.True(table.TryMerge(new OverrideEntry("app", "s1", "weight", 9, null, 2000, "b")));
        Assert.False(table.TryMerge(new OverrideEntry("app", "s1", "weight", 5, null, 2000, "a")));
    }

    [Fact]
    public void TryMerge_ConcurrentEditsExchanged_BothTablesHoldTheSameWinner()
    {
        var a = new OverrideTable("a");
        var b = new OverrideTable("b");
        var fromA = a.RecordLocal("app", "s1", "weight", 4, null, 5000);
        var fromB = b.RecordLocal("app", "s1", "weight", 9, null, 5000);

        a.TryMerge(fromB);
        b.TryMerge(fromA);

        Assert.Equal(Assert.Single(a.All()), Assert.Single(b.All()));
        Assert.Equal(9, Assert.Single(a.All()).Weight);
    }

    [Fact]
    public void TryMerge_EntryFromPeer_IsNotSentBack()
    {
        var table = new OverrideTable("a");

        table.TryMerge(new OverrideEntry("app", "s1", "state", null, "draining", 1000, "b"));

        Assert.Empty(table.LocalSince(0).Entries);
        Assert.Single(table.All());
    }

    [Fact]
    public void RecordLocal_AfterNewerPeerEntry_StampPushedPastIt()
    {
        var table = new OverrideTable("a");
        table.TryMerge(new OverrideEntry("app", "s1", "weight", 9, null, 10_000, "b"));

        var entry = table.RecordLocal("app", "s1", "weight", 2, null, 5_000);

        Assert.Equal(10_001, entry.At);
        Assert.Equal(2, Assert.Single(table.All()).Weight);
    }

    [Fact]
    public void Acknowledge_OlderAckAfterNewer_KeepsTheNewer()
    {
        var table = new OverrideTable("a");
        table.RecordLocal("app", "s1", "weight", 3, null, 1000);
        table.RecordLocal("app", "s2", "weight", 4, null, 1000);
        table.RecordLocal("app", "s3", "weight", 5, null, 1000);

        table.Acknowledge(2);
        table.Acknowledge(1);

        Assert.Equal(1, table.Unacknowledged);
        var (entries, seq) = table.LocalUnacknowledged();
        Assert.Equal("s3", Assert.Single(entries).Server);
        Assert.Equal(3, seq);
    }

    [Fact]
    public void ForgetAcknowledgements_PeerRestarted_EveryLocalChangeUnacknowledgedAgain()
    {
        var table = new OverrideTable("a");
        table.RecordLocal("app", "s1", "weight", 3, null, 1000);
        table.TryMerge(new OverrideEntry("app", "s2", "weight", 9, null, 1000, "b"));
        table.Acknowledge(1);

        table.ForgetAcknowledgements();

        Assert.Equal(1, table.Unacknowledged);
        Assert.Equal("s1", Assert.Single(table.LocalUnacknowledged().Entries).Server);
    }
}
