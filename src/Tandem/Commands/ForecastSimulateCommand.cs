using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Planning;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast simulate --history FILE.csv --capacity N [--servers 2] [--max-servers N] [--lead 15m]
/// [--threshold 80%] [--test-days 14] [--json]</c>: replays a series and compares the forecast-driven plan with a
/// reactive one (see <see cref="ScaleSimulation"/>).
/// </summary>
internal static class ForecastSimulateCommand
{
    public static Command Create()
    {
        var history = new Option<string>("--history") { Description = "An hourly CSV: timestamp_utc,requests.", Required = true };
        var capacity = new Option<double>("--capacity") { Description = "Requests/s one server takes at healthy latency.", Required = true };
        var servers = new Option<int>("--servers") { Description = "Servers always in rotation.", DefaultValueFactory = _ => 2 };
        var maxServers = new Option<int?>("--max-servers") { Description = "Servers at most (default 4 x --servers)." };
        var lead = new Option<string>("--lead") { Description = "How long a scale-out takes; the forecast plan decides this far ahead.", DefaultValueFactory = _ => "15m" };
        var threshold = new Option<string>("--threshold") { Description = "The share of capacity to plan for, e.g. 80%.", DefaultValueFactory = _ => "80%" };
        var testDays = new Option<int>("--test-days") { Description = "Days replayed, at the end of the series.", DefaultValueFactory = _ => 14 };
        var reactiveDelay = new Option<int>("--reactive-delay")
        {
            Description = "Hours from the hour the reactive plan reacts to until its servers serve (1: the next hour).",
            DefaultValueFactory = _ => 1,
        };
        var forecaster = new Option<string>("--forecaster")
        {
            Description = "trained: the models of 'forecast backtest', trained once on the hours before the test days (up to 30 s); naive: seasonal naive 168/24.",
            DefaultValueFactory = _ => "trained",
        };
        forecaster.AcceptOnlyFromAmong("trained", "naive");
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("simulate", "Replay an hourly series: overloaded hours and extra server-hours of forecast-driven vs reactive scaling.")
        {
            history, capacity, servers, maxServers, lead, threshold, testDays, reactiveDelay, forecaster, json,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var cap = parse.GetValue(capacity);
            if (!(cap > 0))
            {
                problems.Add($"--capacity: must be greater than 0, got {cap.ToString(CultureInfo.InvariantCulture)}");
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
            var path = parse.GetRequiredValue(history);
            if (!File.Exists(path))
            {
                problems.Add($"--history: {path}: no such file");
            }
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine("tandem forecast simulate: " + problem);
                }
                return ExitCodes.BadUsage;
            }
            var report = new ImportReport();
            var series = HourlyCsv.ReadTolerantFile(path, report);
            var options = new SimulationOptions(cap, count, max, leadValue, share!.Value, days, delay);
            SimulationResult result;
            try
            {
                result = ScaleSimulation.Run(series, options, Forecaster(parse.GetValue(forecaster)!, series, days));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"tandem forecast simulate: {path}: {ex.Message}");
                return ExitCodes.BadUsage;
            }
            Console.Out.WriteLine(parse.GetValue(json) ? Json(result) : Text(path, result));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The trained models see only the hours before the test days (no refit inside them), as the backtest.</summary>
    private static Forecasting.Models.IForecaster Forecaster(string kind, Forecasting.Models.HourlySeries series, int testDays)
    {
        if (kind == "naive")
        {
            return new SeasonalNaiveForecaster();
        }
        var trainEnd = Math.Max(0, series.Count - (testDays * 24));
        return Forecasting.Models.Forecaster.Train(new Forecasting.Models.HourlySeries(series.Start, series.Values[..trainEnd]), new Forecasting.Models.ForecasterOptions());
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

    private static string Text(string path, SimulationResult r)
    {
        var o = r.Options;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{path}: {r.TestHours} hours from {r.From:yyyy-MM-dd HH:mm}Z; capacity {o.Capacity} req/s per server, {o.Servers}..{o.MaxServers} servers, threshold {o.Threshold * 100:0.#}%, lead {Duration.Format(o.Lead)}, reactive delay {o.ReactiveDelay}h"),
            "plan                 overloaded-hours  extra-server-hours  scale-outs  peak-servers",
            Row("static", r.Static),
            Row("forecast-driven", r.Forecast),
            Row("reactive", r.Reactive),
        };
        return string.Join(Environment.NewLine, lines);
    }

    private static string Row(string name, PlanResult p) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-20} {p.OverloadedHours,16}  {p.ExtraServerHours,18}  {p.ScaleOuts,10}  {p.PeakServers,12}");

    private static string Json(SimulationResult r)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("testHours", r.TestHours);
            writer.WriteString("from", r.From);
            writer.WriteNumber("capacity", r.Options.Capacity);
            writer.WriteNumber("servers", r.Options.Servers);
            writer.WriteNumber("maxServers", r.Options.MaxServers);
            writer.WriteNumber("threshold", r.Options.Threshold);
            writer.WriteString("lead", Duration.Format(r.Options.Lead));
            writer.WriteNumber("reactiveDelay", r.Options.ReactiveDelay);
            Plan(writer, "static", r.Static);
            Plan(writer, "forecast", r.Forecast);
            Plan(writer, "reactive", r.Reactive);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Plan(Utf8JsonWriter writer, string name, PlanResult p)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("overloadedHours", p.OverloadedHours);
        writer.WriteNumber("extraServerHours", p.ExtraServerHours);
        writer.WriteNumber("scaleOuts", p.ScaleOuts);
        writer.WriteNumber("peakServers", p.PeakServers);
        writer.WriteEndObject();
    }
}
