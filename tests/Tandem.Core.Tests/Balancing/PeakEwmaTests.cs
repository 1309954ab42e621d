using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;

namespace Tandem.Core.Tests.Balancing;

public sealed class PeakEwmaTests
{
    [Fact]
    public void Seconds_NoSample_IsZero()
    {
        var time = new FakeTimeProvider();
        var ewma = new PeakEwma(time);

        Assert.False(ewma.HasSamples);
        Assert.Equal(0, ewma.Seconds(time.GetTimestamp()));
    }

    [Fact]
    public void Observe_SlowSampleAfterFastOnes_AverageJumpsToItAtOnce()
    {
        var time = new FakeTimeProvider();
        var ewma = new PeakEwma(time);
        for (var i = 0; i < 10; i++)
        {
            ewma.Observe(0.001, time.GetTimestamp());
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        ewma.Observe(0.200, time.GetTimestamp());

        Assert.True(ewma.HasSamples);
        Assert.Equal(0.200, ewma.Seconds(time.GetTimestamp()), 1e-6);
    }

    [Fact]
    public void Seconds_NoFurtherSamples_DecaysSmoothlyWithTauTenSeconds()
    {
        var time = new FakeTimeProvider();
        var ewma = new PeakEwma(time);
        ewma.Observe(0.200, time.GetTimestamp());
        var previous = 0.200;

        for (var step = 1; step <= 300; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            var now = ewma.Seconds(time.GetTimestamp());

            // Every 100 ms takes off the same small fraction, 1 - exp(-0.01): no steps, no jumps.
            Assert.Equal(Math.Exp(-0.01), now / previous, 1e-4);
            previous = now;
        }
        Assert.Equal(0.200 * Math.Exp(-3), previous, 1e-5);
    }

    [Fact]
    public void Observe_FastSampleAfterSlowOne_RecoversGraduallyNotAtOnce()
    {
        var time = new FakeTimeProvider();
        var ewma = new PeakEwma(time);
        ewma.Observe(0.200, time.GetTimestamp());
        var averages = new List<double>();

        for (var second = 1; second <= 30; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            ewma.Observe(0.001, time.GetTimestamp());
            averages.Add(ewma.Seconds(time.GetTimestamp()));
        }

        // One second of fast answers takes off about 10% (1 - exp(-0.1)); the average falls every second.
        Assert.Equal(0.200 * Math.Exp(-0.1) + 0.001 * (1 - Math.Exp(-0.1)), averages[0], 1e-5);
        Assert.All(averages.Zip(averages.Skip(1)), pair => Assert.True(pair.Second < pair.First));
        Assert.InRange(averages[^1], 0.001, 0.015);
    }

    [Fact]
    public void Seconds_MoreThan107DaysOnANanosecondClock_StillDecays()
    {
        // Linux's Stopwatch ticks in nanoseconds: (ticks x 1000) overflowed a long after 2^63 / 10^12 s = 106.75 days,
        // after which every average stopped decaying for about two weeks.
        var time = new NanosecondClock { Now = 5_000_000_000 };
        var ewma = new PeakEwma(time);
        var day = 86_400L * 1_000_000_000;
        time.Now += 106 * day;
        ewma.Observe(0.200, time.Now);

        time.Now += day;

        Assert.Equal(0, ewma.Seconds(time.Now), 1e-9);
        Assert.Equal(0.200 * Math.Exp(-1), ewma.Seconds(time.Now - day + 10_000_000_000), 1e-5);
    }

    private sealed class NanosecondClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => Now;
    }
}
