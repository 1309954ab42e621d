using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Forecasting.Tests.Planning;

public sealed class ScaleSimulationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Four weeks, flat at 1 req/s with a one-hour spike to 4 req/s at 10:00 every day.</summary>
    private static HourlySeries Spiky() =>
        new(Start, Enumerable.Range(0, 28 * 24).Select(i => (i % 24 == 10 ? 4.0 : 1.0) * 3600).ToArray());

    private static SimulationOptions Options(int testDays = 7) => new(Capacity: 1, Servers: 2, MaxServers: 8, Lead: TimeSpan.FromMinutes(15), Threshold: 0.8, TestDays: testDays);

    [Fact]
    public void Run_DailySpike_ForecastPlanCatchesItReactiveIsLate()
    {
        var result = ScaleSimulation.Run(Spiky(), Options(), new SeasonalNaiveForecaster());

        Assert.Equal(168, result.TestHours);
        Assert.Equal(7, result.Static.OverloadedHours);
        Assert.Equal(0, result.Forecast.OverloadedHours);
        Assert.Equal(7, result.Reactive.OverloadedHours);
        Assert.Equal(5, result.Forecast.PeakServers);
        Assert.True(result.Forecast.ExtraServerHours > 0);
    }

    [Fact]
    public void Run_FlatLoadUnderCapacity_NoOverloadNoExtraServers()
    {
        var flat = new HourlySeries(Start, Enumerable.Repeat(3600.0, 28 * 24).ToArray());

        var result = ScaleSimulation.Run(flat, Options(), new SeasonalNaiveForecaster());

        Assert.Equal(new PlanResult(0, 0, 0, 2), result.Forecast);
        Assert.Equal(new PlanResult(0, 0, 0, 2), result.Reactive);
    }

    [Fact]
    public void Run_TooShortForTheTestDays_ClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScaleSimulation.Run(Spiky(), Options(testDays: 28), new SeasonalNaiveForecaster()));

        Assert.Equal("the series has 672 hours; 28 test days need at least 698", ex.Message);
    }
}
