using System.Globalization;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast simulate --resolution 1m</c>: per-minute history, decisions each minute (<see cref="MinuteSimulation"/>),
/// the forecast from <see cref="MinuteOutlook"/> over the hourly models retrained as a node would.
/// </summary>
internal static class ForecastSimulateMinutes
{
    /// <summary>Days before the test days the outlook runs unscored, so its band is calibrated on its own residuals when they start.</summary>
    public const int WarmUpDays = 3;

    public static int Run(SimulateSettings s, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        MinuteSeries minutes;
        try
        {
            minutes = HourlyCsv.ReadMinutes(s.Path);
        }
        catch (HourlyCsvException e)
        {
            stderr.WriteLine("tandem forecast simulate: " + e.Message);
            return ExitCodes.BadUsage;
        }
        var testStart = minutes.Count - (s.TestDays * 1440);
        var warmStart = testStart - (WarmUpDays * 1440);
        if (warmStart < 7 * 1440)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tandem forecast simulate: {s.Path}: {minutes.Count} minutes; {s.TestDays} test days need at least {(s.TestDays + WarmUpDays + 7) * 1440} (a week to learn from and {WarmUpDays} days to calibrate)"));
            return ExitCodes.BadUsage;
        }
        var hours = minutes.ToHours();
        var hourOffset = (int)(hours.Start - minutes.Start).TotalMinutes;
        var capacity = s.CapacityOfP95 ? s.Capacity * ForecastScores.Quantile(minutes.Values, 0.95) / 60 : s.Capacity;
        var lead = Math.Max(1, (int)Math.Ceiling(s.Lead.TotalMinutes));
        IForecaster forecaster = s.Naive
            ? new SeasonalNaiveForecaster()
            : new RefittingForecaster(hours, (warmStart - hourOffset) / 60, s.RefitHours, new ForecasterOptions());
        cancellationToken.ThrowIfCancellationRequested();
        var all = new MinuteOutlook().Run(minutes, hours, hourOffset, warmStart, minutes.Count, lead, _ => forecaster);
        var skip = testStart - warmStart;
        var outlook = new MinuteForecasts(testStart, lead, all.Point[skip..], all.Upper[skip..], all.Peak[skip..]);
        var thresholds = s.Sweep ? ForecastSimulateCommand.SweepThresholds : [s.Threshold];
        // Holds (scale-in delays) of one, three and six leads; without --sweep one lead.
        int[] holds = s.Sweep ? [lead, 3 * lead, 6 * lead] : [lead];
        var options = new MinuteSimulationOptions(capacity, s.Servers, s.MaxServers, lead, thresholds, holds);
        var result = MinuteSimulation.Run(minutes.Values, outlook, options);
        var coverage = Coverage(minutes.Values, all, skip);
        var header = string.Create(CultureInfo.InvariantCulture,
            $"{s.Path}: {result.Minutes} minutes from {minutes.MinuteAt(testStart):yyyy-MM-dd HH:mm}Z; capacity {capacity:0.###} req/s ({capacity * 60:0.#}/min) per server, {s.Servers}..{s.MaxServers} servers, lead {lead} min; static {s.Servers} servers: {result.StaticOverloaded} overloaded minutes ({100.0 * result.StaticOverloaded / Math.Max(1, result.Minutes):0.0}%); forecast p90 covers {coverage * 100:0.0}% of minutes");
        if (s.Plot is { } plotPath)
        {
            var written = WritePlot(plotPath, s, minutes, outlook, options, result);
            if (written is not null)
            {
                stderr.WriteLine("tandem forecast simulate: --plot: " + written);
                return ExitCodes.BadUsage;
            }
        }
        if (s.Sweep)
        {
            stdout.Write(s.Json
                ? ForecastSimulateOutput.FrontierJson("minute", capacity, result.Minutes, result.StaticOverloaded, result.Forecast, result.Reactive)
                : ForecastSimulateOutput.FrontierTable(header, "minutes", result.Minutes, result.Forecast, result.Reactive));
            return ExitCodes.Ok;
        }
        stdout.WriteLine(s.Json ? Json(result, capacity, lead, s.Threshold) : Text(header, result));
        return ExitCodes.Ok;
    }

    /// <summary>The share of test minutes at or under the p90 bound made <c>lead</c> minutes before them.</summary>
    private static double Coverage(double[] values, MinuteForecasts all, int skip)
    {
        int count = 0, under = 0;
        for (var i = skip; i < all.Upper.Length; i++)
        {
            var target = all.From + i + all.Lead;
            if (target < values.Length && !double.IsNaN(values[target]))
            {
                count++;
                under += values[target] <= all.Upper[i] ? 1 : 0;
            }
        }
        return count == 0 ? double.NaN : (double)under / count;
    }

    private static string? WritePlot(string path, SimulateSettings s, MinuteSeries minutes, MinuteForecasts outlook, MinuteSimulationOptions options, MinuteSimulationResult result)
    {
        var first = outlook.From;
        var day = s.PlotDay ?? BusiestDay(minutes, first);
        var dayStart = (int)(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - minutes.Start).TotalMinutes;
        if (dayStart < first || dayStart + 1440 > minutes.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--plot-day {day:yyyy-MM-dd} is not a whole test day ({minutes.MinuteAt(first):yyyy-MM-dd HH:mm}Z .. {minutes.MinuteAt(minutes.Count - 1):yyyy-MM-dd HH:mm}Z)");
        }
        var forecastPlan = MinuteSimulation.Servers(minutes.Values, outlook, options, s.Threshold, options.LeadMinutes, reactive: false).Serving;
        var reactivePlan = MinuteSimulation.Servers(minutes.Values, outlook, options, s.Threshold, options.LeadMinutes, reactive: true).Serving;
        var plot = new ForecastSimulatePlot.Day(day, minutes.Values.AsSpan(dayStart, 1440).ToArray(),
            Shift(outlook.Point, dayStart - first - outlook.Lead), Shift(outlook.Upper, dayStart - first - outlook.Lead),
            options.Capacity * 60, options.Servers, forecastPlan.AsSpan(dayStart - first, 1440).ToArray(), reactivePlan.AsSpan(dayStart - first, 1440).ToArray(), s.Threshold);
        try
        {
            File.WriteAllText(path, ForecastSimulatePlot.Svg(plot, s.Sweep ? result : null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"{path}: cannot write: {e.Message}";
        }
        return null;
    }

    /// <summary>The 1440 values from <paramref name="start"/> (NaN outside the array): a forecast made lead minutes before its minute.</summary>
    private static double[] Shift(double[] values, int start)
    {
        var day = new double[1440];
        for (var i = 0; i < day.Length; i++)
        {
            var j = start + i;
            day[i] = j >= 0 && j < values.Length ? values[j] : double.NaN;
        }
        return day;
    }

    private static DateOnly BusiestDay(MinuteSeries minutes, int first)
    {
        var best = first;
        for (var i = first; i < minutes.Count; i++)
        {
            if (minutes.Values[i] > minutes.Values[best] || double.IsNaN(minutes.Values[best]))
            {
                best = i;
            }
        }
        var day = DateOnly.FromDateTime(minutes.MinuteAt(best).UtcDateTime);
        // The busiest minute's day, or the first whole test day when that day is cut by the test window.
        var start = (int)(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - minutes.Start).TotalMinutes;
        return start >= first && start + 1440 <= minutes.Count ? day : DateOnly.FromDateTime(minutes.MinuteAt(first).UtcDateTime).AddDays(1);
    }

    private static string Text(string header, MinuteSimulationResult r)
    {
        var f = r.Forecast[0];
        var re = r.Reactive[0];
        return string.Join(Environment.NewLine,
            header,
            string.Create(CultureInfo.InvariantCulture, $"threshold {f.Threshold * 100:0.#}%"),
            "plan                 overloaded-minutes  extra-server-minutes",
            string.Create(CultureInfo.InvariantCulture, $"{"static",-20} {r.StaticOverloaded,18}  {0,20}"),
            string.Create(CultureInfo.InvariantCulture, $"{"forecast-driven",-20} {f.Overloaded,18}  {f.Extra,20}"),
            string.Create(CultureInfo.InvariantCulture, $"{"reactive",-20} {re.Overloaded,18}  {re.Extra,20}"));
    }

    private static string Json(MinuteSimulationResult r, double capacity, int lead, double threshold)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("minutes", r.Minutes);
            writer.WriteNumber("capacity", Math.Round(capacity, 6));
            writer.WriteString("lead", Duration.Format(TimeSpan.FromMinutes(lead)));
            writer.WriteNumber("threshold", threshold);
            writer.WriteNumber("staticOverloaded", r.StaticOverloaded);
            foreach (var (name, p) in new[] { ("forecast", r.Forecast[0]), ("reactive", r.Reactive[0]) })
            {
                writer.WriteStartObject(name);
                writer.WriteNumber("overloadedMinutes", p.Overloaded);
                writer.WriteNumber("extraServerMinutes", p.Extra);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
