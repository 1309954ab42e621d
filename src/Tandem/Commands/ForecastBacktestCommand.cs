using System.CommandLine;
using System.Globalization;
using Tandem.Core.Config;
using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast backtest --history FILE.csv [--test-days 14] [--horizons 1,6,24] [--refit 24h] [--from TIME] [--json]</c>:
/// every model's and the forecaster's errors on the last test days, refitting on a rolling origin as a node does.
/// Exit 2 for a bad file or bad options.
/// </summary>
internal static class ForecastBacktestCommand
{
    /// <summary>The models forecast 1..24 hours ahead (dense-calendar and gbm have one output per hour of the next day).</summary>
    private const int MaxHorizon = 24;

    /// <summary>What to backtest; <see cref="Refit"/> zero fits once before the test days.</summary>
    internal sealed record Arguments(string Path, int TestDays = 14, string Horizons = "1,6,24", string Refit = "24h", string? From = null, bool Json = false);

    public static Command Create()
    {
        var history = new Option<string>("--history") { Description = "Hourly CSV 'timestamp_utc,requests' (empty count = gap).", Required = true };
        var testDays = new Option<int>("--test-days") { Description = "The last N days are the test set.", DefaultValueFactory = _ => 14 };
        var horizons = new Option<string>("--horizons") { Description = "Comma-separated horizons in hours (1..24).", DefaultValueFactory = _ => "1,6,24" };
        var refit = new Option<string>("--refit")
        {
            Description = "Retrain this often through the test days (whole hours, e.g. 24h or 6h; 0 trains once before them).",
            DefaultValueFactory = _ => "24h",
        };
        var from = new Option<string?>("--from") { Description = "Use the history from this UTC time on (e.g. 1995-08-01T04:00Z); default all." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command("backtest", "Rolling-origin backtest of every forecasting model and the forecaster on an hourly history.")
        {
            history, testDays, horizons, refit, from, json,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(
            new Arguments(parse.GetRequiredValue(history), parse.GetValue(testDays), parse.GetValue(horizons) ?? "", parse.GetValue(refit) ?? "",
                parse.GetValue(from), parse.GetValue(json)),
            Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    internal static int Run(Arguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        const string Name = "tandem forecast backtest: ";
        if (arguments.TestDays < 1)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name}--test-days must be at least 1, got {arguments.TestDays}"));
            return ExitCodes.BadUsage;
        }
        if (!TryParseHorizons(arguments.Horizons, out var horizons))
        {
            stderr.WriteLine($"{Name}--horizons must be comma-separated integers 1..24, got '{arguments.Horizons}'");
            return ExitCodes.BadUsage;
        }
        if (!TryParseRefit(arguments.Refit, out var refitHours))
        {
            stderr.WriteLine($"{Name}--refit must be 0 or a whole number of hours such as 24h or 6h, got '{arguments.Refit}'");
            return ExitCodes.BadUsage;
        }
        DateTimeOffset? from = null;
        if (arguments.From is { } fromText)
        {
            if (!DateTimeOffset.TryParse(fromText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                stderr.WriteLine($"{Name}--from must be an ISO 8601 UTC time such as 1995-08-01T04:00Z, got '{fromText}'");
                return ExitCodes.BadUsage;
            }
            from = parsed;
        }
        HourlySeries series;
        try
        {
            series = HourlyCsv.Read(arguments.Path);
        }
        catch (HourlyCsvException e)
        {
            stderr.WriteLine(Name + e.Message);
            return ExitCodes.BadUsage;
        }
        if (from is { } start)
        {
            var skip = (int)Math.Clamp(Math.Ceiling((start - series.Start).TotalHours), 0, series.Count);
            series = new HourlySeries(series.HourAt(skip), series.Values[skip..]);
        }
        BacktestReport report;
        try
        {
            report = Backtester.Run(series, new BacktestOptions { TestDays = arguments.TestDays, Horizons = horizons, RefitHours = refitHours }, cancellationToken);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"{Name}{arguments.Path}: {e.Message.Split(" (Parameter", 2)[0]}");
            return ExitCodes.BadUsage;
        }
        stdout.Write(arguments.Json ? ForecastBacktestOutput.Json(report) : ForecastBacktestOutput.Table(arguments.Path, report));
        return ExitCodes.Ok;
    }

    private static bool TryParseHorizons(string text, out int[] horizons)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        horizons = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out horizons[i]) || horizons[i] < 1 || horizons[i] > MaxHorizon)
            {
                return false;
            }
        }
        horizons = [.. horizons.Distinct().Order()];
        return horizons.Length > 0;
    }

    private static bool TryParseRefit(string text, out int hours)
    {
        hours = 0;
        if (text.Trim() == "0")
        {
            return true;
        }
        if (!Duration.TryParse(text, out var every) || every.Ticks % TimeSpan.TicksPerHour != 0 || every <= TimeSpan.Zero || every > TimeSpan.FromDays(30))
        {
            return false;
        }
        hours = (int)every.TotalHours;
        return true;
    }
}
