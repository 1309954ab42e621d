namespace Tandem.Forecasting.Tests.Synthetic;

public sealed class SyntheticTrafficTests
{
    [Fact]
    public void Minutes_SameSeed_SameSeriesWithTheDocumentedShape()
    {
        var a = SyntheticTraffic.Minutes();
        var b = SyntheticTraffic.Minutes();

        Assert.Equal(a.Values, b.Values);
        var hours = a.ToHours();
        Assert.Equal(SyntheticTraffic.Days * 24, hours.Count);
        Assert.True(double.IsNaN(hours.Values[(20 * 24) + 8]));
        // The tournament triples the level, then it collapses below where it started.
        Assert.InRange(DayTotal(hours, 57) / DayTotal(hours, 43), 2.5, 3.6);
        Assert.InRange(DayTotal(hours, 64) / DayTotal(hours, 43), 0.8, 1.1);
    }

    /// <summary>
    /// Writes the series as CSV files when TANDEM_SYNTHETIC_OUT names a directory (the check series of bench/README.md):
    /// <c>TANDEM_SYNTHETIC_OUT=/tmp/synthetic dotnet test tests/Tandem.Forecasting.Tests --filter FullyQualifiedName~SyntheticTraffic</c>.
    /// </summary>
    [Fact]
    public void Csv_OutputDirectoryGiven_WritesHourlyAndMinutelyFiles()
    {
        var directory = Environment.GetEnvironmentVariable("TANDEM_SYNTHETIC_OUT");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }
        Directory.CreateDirectory(directory);
        var minutes = SyntheticTraffic.Minutes();
        var hours = minutes.ToHours();
        File.WriteAllText(Path.Combine(directory, "synthetic_hourly.csv"), SyntheticTraffic.Csv(hours.Values, hours.Start, TimeSpan.FromHours(1)));
        File.WriteAllText(Path.Combine(directory, "synthetic_minutely.csv"), SyntheticTraffic.Csv(minutes.Values, minutes.Start, TimeSpan.FromMinutes(1)));
        var events = SyntheticTraffic.Minutes(dailyEvent: true);
        File.WriteAllText(Path.Combine(directory, "synthetic_event_minutely.csv"), SyntheticTraffic.Csv(events.Values, events.Start, TimeSpan.FromMinutes(1)));
        var eventHours = events.ToHours();
        File.WriteAllText(Path.Combine(directory, "synthetic_event_hourly.csv"), SyntheticTraffic.Csv(eventHours.Values, eventHours.Start, TimeSpan.FromHours(1)));
        // A year of hours to time training on (after the tournament the level stays at 0.9 and the trend goes on).
        var year = SyntheticTraffic.Minutes(days: 365).ToHours();
        File.WriteAllText(Path.Combine(directory, "synthetic_year_hourly.csv"), SyntheticTraffic.Csv(year.Values, year.Start, TimeSpan.FromHours(1)));

        Assert.True(File.Exists(Path.Combine(directory, "synthetic_minutely.csv")));
        Assert.True(File.Exists(Path.Combine(directory, "synthetic_event_hourly.csv")));
    }

    private static double DayTotal(Forecasting.Models.HourlySeries hours, int day) => hours.Values.AsSpan(day * 24, 24).ToArray().Where(v => !double.IsNaN(v)).Sum();
}
