using Microsoft.Extensions.Time.Testing;
using Tandem.Proxy.Diagnostics;

namespace Tandem.Proxy.Tests.Diagnostics;

public sealed class ProcessLagTests
{
    [Fact]
    public async Task LateSince_TicksOnTime_NotLate()
    {
        var time = new FakeTimeProvider();
        var lag = ProcessLag.Start(time);
        Assert.NotNull(lag);
        await using (lag)
        {
            var start = time.GetTimestamp();
            // Two ticks on time; each sends a datagram per receiver, received within these real pauses. However late
            // a receive completes in real time, the clock it is judged by moved at most 2 x 250 ms: not more than LateAfter.
            for (var i = 0; i < 2; i++)
            {
                time.Advance(ProcessLag.Interval);
                await Task.Delay(200);
            }

            Assert.False(lag.LateSince(start));
        }
    }

    [Fact]
    public async Task LateSince_ATickComesLate_LateSinceBeforeItNotAfter()
    {
        var time = new FakeTimeProvider();
        var lag = ProcessLag.Start(time);
        Assert.NotNull(lag);
        await using (lag)
        {
            var before = time.GetTimestamp();

            // The timer fires 2 s after the previous tick instead of 250 ms: the process was starved.
            time.Advance(TimeSpan.FromSeconds(2));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!lag.LateSince(before) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.True(lag.LateSince(before));
            Assert.False(lag.LateSince(time.GetTimestamp() + 1));
        }
    }

    [Fact]
    public async Task DisposeAsync_WhileATickSends_NeverThrows()
    {
        // A stop that lands between the probe's delay and its send once threw ObjectDisposedException out of DisposeAsync
        // (seen in a fresh-clone run): the sockets are disposed only after the loops ended.
        for (var i = 0; i < 50; i++)
        {
            var time = new FakeTimeProvider();
            var lag = ProcessLag.Start(time);
            Assert.NotNull(lag);
            time.Advance(ProcessLag.Interval);
            await lag.DisposeAsync();
        }
    }
}
