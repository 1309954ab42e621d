using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning.Simulation;

public sealed class MinuteSimulationTests
{
    private const int Minutes = 40;
    private const int Lead = 3;

    /// <summary>One server takes 60 requests a minute; two always serve (120/min), up to eight; a boot takes 3 minutes.</summary>
    private static readonly MinuteSimulationOptions Options = new(Capacity: 1, Servers: 2, MaxServers: 8, LeadMinutes: Lead, Thresholds: [1.0], Holds: [Lead]);

    /// <summary>60 requests a minute, 300 over minutes 20..29.</summary>
    private static double[] Surge() => [.. Enumerable.Range(0, Minutes).Select(m => m is >= 20 and < 30 ? 300.0 : 60.0)];

    private static MinuteForecasts Outlook(Func<int, double> peak)
    {
        var values = Enumerable.Range(0, Minutes).Select(peak).ToArray();
        return new MinuteForecasts(0, Lead, values, values, values);
    }

    [Fact]
    public void Run_SurgeForeseenByTheOutlook_ForecastPlanServesItReactiveOverloadsForTheBoot()
    {
        // The outlook at minute t covers t..t+lead, so it sees the surge from minute 17.
        var result = MinuteSimulation.Run(Surge(), Outlook(m => m is >= 20 - Lead and < 30 ? 300 : 60), Options);

        Assert.Equal(Minutes, result.Minutes);
        Assert.Equal(10, result.StaticOverloaded);
        Assert.Equal(0, result.Forecast[0].Overloaded);
        // Reacting at minute 21 to minute 20, its servers serve from minute 24: minutes 20..23 are overloaded.
        Assert.Equal(4, result.Reactive[0].Overloaded);
        Assert.True(result.Forecast[0].Extra > result.Reactive[0].Extra);
    }

    [Fact]
    public void Run_BurstTheOutlookMisses_ForecastPlanReactsToTheLastMinuteAsTheReactivePlanDoes()
    {
        // A flat outlook: the forecast plan still sees the burst in the last complete minute, so it does no worse than reacting.
        var result = MinuteSimulation.Run(Surge(), Outlook(_ => 60), Options);

        Assert.Equal(4, result.Forecast[0].Overloaded);
        Assert.Equal(result.Reactive[0], result.Forecast[0]);
    }

    [Fact]
    public void Servers_ScaleOut_ServesOnlyLeadMinutesAfterItWasAskedFor()
    {
        var (asked, serving) = MinuteSimulation.Servers(Surge(), Outlook(_ => 60), Options, threshold: 1.0, hold: Lead, reactive: true);

        Assert.Equal(2, asked[20]);
        Assert.Equal(5, asked[21]);
        Assert.Equal([2, 2, 2, 5], serving[21..25]);
    }
}
