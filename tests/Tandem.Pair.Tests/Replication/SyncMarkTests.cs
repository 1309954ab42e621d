namespace Tandem.Pair.Tests.Replication;

public sealed class SyncMarkTests
{
    [Fact]
    public void At_NeverMarked_Null()
    {
        Assert.Null(new SyncMark(new FakeTimeProvider()).At);
    }

    [Fact]
    public void Mark_Twice_KeepsTheLaterTime()
    {
        var time = new FakeTimeProvider();
        var mark = new SyncMark(time);

        mark.Mark();
        time.Advance(TimeSpan.FromSeconds(3));
        mark.Mark();

        Assert.Equal(time.GetUtcNow(), mark.At);
    }
}
