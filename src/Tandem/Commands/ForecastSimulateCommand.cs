using System.CommandLine;
using System.Globalization;
using Tandem.Core.Config;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast simulate --history FILE.csv --capacity N|P% [--resolution 1h|1m] [--servers 2] [--max-servers N]
/// [--lead 15m] [--threshold 80%] [--sweep] [--test-days 14] [--forecaster trained|naive] [--refit 24h]
/// [--plot FILE.svg [--plot-day DATE]] [--json]</c>: replays a series and compares the forecast-driven plan with a
/// reactive one, at one threshold or, with <c>--sweep</c>, along both frontiers.
/// </summary>
internal static class ForecastSimulateCommand
{
    /// <summary>The thresholds of <c>--sweep</c>: 40% to 160% in steps of 5% (above 100% a plan accepts some overload for fewer servers).</summary>
    internal static readonly double[] SweepThresholds = [.. Enumerable.Range(8, 25).Select(i => i * 0.05)];

    public static Command Create()
    {
        var history = new Option<string>("--history") { Description = "A CSV timestamp_utc,requests: hourly, or per minute with --resolution 1m.", Required = true };
        var capacity = new Option<string>("--capacity")
        {
            Description = "Requests/s one server takes at healthy latency (e.g. 20), or the share of the series' p95 rate one server takes (e.g. 40%).",
            Required = true,
        };
        var resolution = new Option<string>("--resolution") { Description = "1h: hourly history, hourly decisions; 1m: per-minute history, decisions each minute.", DefaultValueFactory = _ => "1h" };
        resolution.AcceptOnlyFromAmong("1h", "1m");
        var servers = new Option<int>("--servers") { Description = "Servers always in rotation.", DefaultValueFactory = _ => 2 };
        var maxServers = new Option<int?>("--max-servers") { Description = "Servers at most (default 4 x --servers)." };
        var lead = new Option<string>("--lead") { Description = "How long a scale-out takes (a boot); the forecast plan decides this far ahead.", DefaultValueFactory = _ => "15m" };
        var threshold = new Option<string>("--threshold") { Description = "The share of capacity to plan for, e.g. 80%.", DefaultValueFactory = _ => "80%" };
        var sweep = new Option<bool>("--sweep") { Description = "Run both plans at thresholds 40%..160% and print the two frontiers (extra server-time vs overloaded time)." };
        var testDays = new Option<int>("--test-days") { Description = "Days replayed, at the end of the series.", DefaultValueFactory = _ => 14 };
        var reactiveDelay = new Option<int>("--reactive-delay")
        {
            Description = "Hourly only: hours from the hour the reactive plan reacts to until its servers serve (1: the next hour).",
            DefaultValueFactory = _ => 1,
        };
        var forecaster = new Option<string>("--forecaster")
        {
            Description = "trained: the models of 'forecast backtest', retrained every --refit on the hours before; naive: seasonal naive 168/24.",
            DefaultValueFactory = _ => "trained",
        };
        forecaster.AcceptOnlyFromAmong("trained", "naive");
        var refit = new Option<string>("--refit") { Description = "Retrain the trained models this often through the replay (e.g. 24h; 0 trains once).", DefaultValueFactory = _ => "24h" };
        var plot = new Option<string?>("--plot") { Description = "Write an SVG: one day's actual load, forecast and p90 band, and each plan's capacity; with --sweep, the frontiers." };
        var plotDay = new Option<string?>("--plot-day") { Description = "The day (UTC date) to plot; default the test day with the busiest minute or hour." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("simulate", "Replay a series: overloaded time and extra server-time of forecast-driven vs reactive scaling.")
        {
            history, capacity, resolution, servers, maxServers, lead, threshold, sweep, testDays, reactiveDelay, forecaster, refit, plot, plotDay, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var settings = Parse(parse, problems, history, capacity, resolution, servers, maxServers, lead, threshold, sweep, testDays, reactiveDelay, forecaster, refit, plot, plotDay, json);
            if (problems.Count > 0 || settings is null)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine("tandem forecast simulate: " + problem);
                }
                return Task.FromResult(ExitCodes.BadUsage);
            }
            return Task.FromResult(settings.Minutes
                ? ForecastSimulateMinutes.Run(settings, Console.Out, Console.Error, cancellationToken)
                : ForecastSimulateHours.Run(settings, Console.Out, Console.Error));
        });
        return command;
    }

    private static SimulateSettings? Parse(ParseResult parse, List<string> problems, Option<string> history, Option<string> capacity, Option<string> resolution,
        Option<int> servers, Option<int?> maxServers, Option<string> lead, Option<string> threshold, Option<bool> sweep, Option<int> testDays,
        Option<int> reactiveDelay, Option<string> forecaster, Option<string> refit, Option<string?> plot, Option<string?> plotDay, Option<bool> json)
    {
        var capacityText = parse.GetRequiredValue(capacity);
        var capacityValue = ParseCapacity(capacityText, out var ofP95);
        if (capacityValue is null)
        {
            problems.Add($"--capacity: must be greater than 0, got {capacityText}");
        }
        var count = parse.GetValue(servers);
        if (count < 1)
        {
            problems.Add($"--servers: must be at least 1, got {count}");
        }
        var max = parse.GetValue(maxServers) ?? Math.Max(1, count) * 4;
        if (max < count)
        {
            problems.Add($"--max-servers: must be at least --servers ({count}), got {max}");
        }
        var leadText = parse.GetValue(lead)!;
        if (!Duration.TryParse(leadText, out var leadValue) || leadValue > TimeSpan.FromHours(23))
        {
            problems.Add($"--lead: expected a duration up to 23h such as 15m, got '{leadText}'");
        }
        var thresholdText = parse.GetValue(threshold)!;
        var share = ParseShare(thresholdText);
        if (share is null)
        {
            problems.Add($"--threshold: expected a percentage 1%..100% such as 80%, got '{thresholdText}'");
        }
        var days = parse.GetValue(testDays);
        if (days < 1)
        {
            problems.Add($"--test-days: must be at least 1, got {days}");
        }
        var delay = parse.GetValue(reactiveDelay);
        if (delay is < 1 or > 24)
        {
            problems.Add($"--reactive-delay: must be 1..24, got {delay}");
        }
        var refitText = parse.GetValue(refit)!;
        var refitHours = 0;
        if (refitText.Trim() != "0" && (!Duration.TryParse(refitText, out var every) || every.Ticks % TimeSpan.TicksPerHour != 0 || every <= TimeSpan.Zero))
        {
            problems.Add($"--refit: must be 0 or a whole number of hours such as 24h, got '{refitText}'");
        }
        else if (refitText.Trim() != "0")
        {
            _ = Duration.TryParse(refitText, out var hours);
            refitHours = (int)hours.TotalHours;
        }
        DateOnly? day = null;
        if (parse.GetValue(plotDay) is { } dayText)
        {
            if (DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                day = parsed;
            }
            else
            {
                problems.Add($"--plot-day: expected a date such as 1995-08-24, got '{dayText}'");
            }
        }
        var path = parse.GetRequiredValue(history);
        if (!File.Exists(path))
        {
            problems.Add($"--history: {path}: no such file");
        }
        if (problems.Count > 0)
        {
            return null;
        }
        return new SimulateSettings(path, parse.GetValue(resolution) == "1m", capacityValue!.Value, ofP95, count, max, leadValue, share!.Value,
            parse.GetValue(sweep), days, delay, parse.GetValue(forecaster) == "naive", refitHours, parse.GetValue(plot), day, parse.GetValue(json));
    }

    /// <summary>A rate (req/s) or, with a trailing %, a share of the series' p95 (<paramref name="ofP95"/>); null when not positive.</summary>
    internal static double? ParseCapacity(string text, out bool ofP95)
    {
        ofP95 = text.EndsWith('%');
        var number = ofP95 ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
        {
            return null;
        }
        return ofP95 ? value / 100 : value;
    }

    internal static double? ParseShare(string text)
    {
        var number = text.EndsWith('%') ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        var share = text.EndsWith('%') || value > 1 ? value / 100 : value;
        return share is >= 0.01 and <= 1 ? share : null;
    }
}

/// <summary>
/// The parsed options of <c>tandem forecast simulate</c>. <c>Capacity</c> is requests/s per server, or the share of the
/// series' p95 rate when <c>CapacityOfP95</c>; <c>RefitHours</c> 0 trains once.
/// </summary>
internal sealed record SimulateSettings(string Path, bool Minutes, double Capacity, bool CapacityOfP95, int Servers, int MaxServers, TimeSpan Lead,
    double Threshold, bool Sweep, int TestDays, int ReactiveDelay, bool Naive, int RefitHours, string? Plot, DateOnly? PlotDay, bool Json);
