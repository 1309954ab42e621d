using Microsoft.Extensions.Time.Testing;
using Tandem.Proxy.Diagnostics;

namespace Tandem.Proxy.Tests.Diagnostics;

public sealed class LogThrottleTests
{
    [Fact]
    public void TryAcquire_BurstThenSilence_FoldedLinesReportedOneIntervalLater()
    {
        var time = new FakeTimeProvider();
        var flushed = new List<long>();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(1), flushed.Add);

        Assert.True(throttle.TryAcquire(out var first));
        for (var i = 0; i < 9; i++)
        {
            Assert.False(throttle.TryAcquire(out _));
        }
        Assert.Empty(flushed);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(0, first);
        Assert.Equal([9L], flushed);
        // The flush took this interval's line; nothing is counted twice.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryAcquire(out var next));
        Assert.Equal(0, next);
        Assert.Equal([9L], flushed);
    }

    [Fact]
    public void TryAcquire_SteadyStream_NextLineCarriesTheCountAndNoExtraFlush()
    {
        var time = new FakeTimeProvider();
        var flushed = new List<long>();
        var throttle = new LogThrottle(time, TimeSpan.FromSeconds(1), flushed.Add);

        Assert.True(throttle.TryAcquire(out _));
        Assert.False(throttle.TryAcquire(out _));
        Assert.False(throttle.TryAcquire(out _));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(throttle.TryAcquire(out _));
        time.Advance(TimeSpan.FromMilliseconds(1));

        // The timer fired at the interval's end and reported the three; a line right after reports none again.
        Assert.Equal([3L], flushed);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(throttle.TryAcquire(out var carried));
        Assert.Equal(0, carried);
    }
}
