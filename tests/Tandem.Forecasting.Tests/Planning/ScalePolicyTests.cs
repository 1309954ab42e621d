using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ScalePolicyTests
{
    // 100 req/s per server at 80%: 80 req/s usable per server.
    private static ScalePolicy Policy() => new(capacity: 100, threshold: 0.8, baseServers: 2, maxServers: 5);

    [Fact]
    public void Decide_PeakOverThreshold_ScalesOutAtOnceToWhatIsNeeded()
    {
        var policy = Policy();

        Assert.Equal(2, policy.Decide(150));
        Assert.Equal(3, policy.Decide(161));
        Assert.Equal(5, policy.Decide(1000));
    }

    [Fact]
    public void Decide_PeakDrops_ScalesInOnlyAfterTwoRoundsUnderTheMargin()
    {
        var policy = Policy();
        policy.Decide(300);
        Assert.Equal(4, policy.Current);

        // Under 3 servers x 80 = 240 but not under 240 x 0.8 = 192: stays.
        Assert.Equal(4, policy.Decide(200));
        Assert.Equal(4, policy.Decide(200));
        // Under 192 once: stays; twice in a row: one fewer.
        Assert.Equal(4, policy.Decide(190));
        Assert.Equal(3, policy.Decide(190));
    }

    [Fact]
    public void Decide_DipBetweenTwoPeaks_DoesNotScaleIn()
    {
        var policy = Policy();
        policy.Decide(300);

        policy.Decide(50);
        policy.Decide(300);
        policy.Decide(50);

        Assert.Equal(4, policy.Current);
        Assert.Equal(2, policy.Decide(50));
    }

    [Fact]
    public void Needed_NaNOrZero_BaseServers()
    {
        var policy = Policy();

        Assert.Equal(2, policy.Needed(double.NaN));
        Assert.Equal(2, policy.Needed(0));
        Assert.Equal(2, policy.Decide(double.NaN));
    }
}
