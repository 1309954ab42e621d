using Tandem.Pair.Heartbeat;

namespace Tandem.Pair.Tests.Heartbeat;

public sealed class PeerTrackerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Heard_FirstMessage_FindsThePeerOnce()
    {
        var tracker = new PeerTracker(_time, Timeout);

        Assert.False(tracker.Alive);
        Assert.True(tracker.Heard());
        Assert.False(tracker.Heard());
        Assert.True(tracker.Alive);
        Assert.Equal(_time.GetUtcNow(), tracker.LastSeen);
    }

    [Fact]
    public void CheckLost_SilenceUpToTimeout_StillAlive()
    {
        var tracker = new PeerTracker(_time, Timeout);
        tracker.Heard();

        _time.Advance(Timeout);

        Assert.False(tracker.CheckLost(out _));
        Assert.True(tracker.Alive);
    }

    [Fact]
    public void CheckLost_SilenceBeyondTimeout_LostOnceWithTheSilence()
    {
        var tracker = new PeerTracker(_time, Timeout);
        tracker.Heard();

        _time.Advance(Timeout + TimeSpan.FromMilliseconds(200));

        Assert.True(tracker.CheckLost(out var silence));
        Assert.Equal(TimeSpan.FromMilliseconds(1200), silence);
        Assert.False(tracker.CheckLost(out _));
        Assert.False(tracker.Alive);
    }

    [Fact]
    public void CheckLost_HeartbeatsKeepComing_NeverLost()
    {
        var tracker = new PeerTracker(_time, Timeout);
        for (var i = 0; i < 50; i++)
        {
            tracker.Heard();
            _time.Advance(TimeSpan.FromMilliseconds(200));
            Assert.False(tracker.CheckLost(out _));
        }
    }

    [Fact]
    public void Heard_AfterLoss_FindsThePeerAgain()
    {
        var tracker = new PeerTracker(_time, Timeout);
        tracker.Heard();
        _time.Advance(TimeSpan.FromSeconds(2));
        tracker.CheckLost(out _);

        Assert.True(tracker.Heard());
        Assert.True(tracker.Alive);
    }

    [Fact]
    public void CheckLost_NeverHeard_NotLost()
    {
        var tracker = new PeerTracker(_time, Timeout);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(tracker.CheckLost(out _));
    }
}
