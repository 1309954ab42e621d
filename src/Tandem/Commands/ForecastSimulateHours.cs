using System.Globalization;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;
using Tandem.Forecasting.Planning;

namespace Tandem.Commands;

/// <summary><c>tandem forecast simulate</c> at hourly resolution (<see cref="ScaleSimulation"/>).</summary>
internal static class ForecastSimulateHours
{
    public static int Run(SimulateSettings s, TextWriter stdout, TextWriter stderr)
    {
        if (s.Plot is not null)
        {
            stderr.WriteLine("tandem forecast simulate: --plot: needs --resolution 1m (a day of minutes to draw)");
            return ExitCodes.BadUsage;
        }
        HourlySeries series;
        try
        {
            series = HourlyCsv.Read(s.Path);
        }
        catch (HourlyCsvException e)
        {
            stderr.WriteLine("tandem forecast simulate: " + e.Message);
            return ExitCodes.BadUsage;
        }
        var capacity = s.CapacityOfP95 ? s.Capacity * ForecastScores.Quantile(series.Values, 0.95) / 3600 : s.Capacity;
        var trainEnd = Math.Max(0, series.Count - (s.TestDays * 24));
        IForecaster forecaster = s.Naive ? new SeasonalNaiveForecaster() : new RefittingForecaster(series, trainEnd, s.RefitHours, new ForecasterOptions());
        var thresholds = s.Sweep ? ForecastSimulateCommand.SweepThresholds : [s.Threshold];
        var results = new List<SimulationResult>();
        try
        {
            foreach (var threshold in thresholds)
            {
                results.Add(ScaleSimulation.Run(series, new SimulationOptions(capacity, s.Servers, s.MaxServers, s.Lead, threshold, s.TestDays, s.ReactiveDelay), forecaster));
            }
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine($"tandem forecast simulate: {s.Path}: {ex.Message}");
            return ExitCodes.BadUsage;
        }
        if (s.Sweep)
        {
            var forecast = results.Select(r => new FrontierPoint(r.Options.Threshold, r.Forecast.ExtraServerHours, r.Forecast.OverloadedHours)).ToList();
            var reactive = results.Select(r => new FrontierPoint(r.Options.Threshold, r.Reactive.ExtraServerHours, r.Reactive.OverloadedHours)).ToList();
            var header = string.Create(CultureInfo.InvariantCulture,
                $"{s.Path}: {results[0].TestHours} hours from {results[0].From:yyyy-MM-dd HH:mm}Z; capacity {capacity:0.###} req/s per server, {s.Servers}..{s.MaxServers} servers, lead {Duration.Format(s.Lead)}; static {s.Servers} servers: {results[0].Static.OverloadedHours} overloaded hours");
            stdout.Write(s.Json
                ? ForecastSimulateOutput.FrontierJson("hour", capacity, results[0].TestHours, results[0].Static.OverloadedHours, forecast, reactive)
                : ForecastSimulateOutput.FrontierTable(header, "hours", results[0].TestHours, forecast, reactive));
            return ExitCodes.Ok;
        }
        stdout.WriteLine(s.Json ? Json(results[0]) : Text(s.Path, results[0]));
        return ExitCodes.Ok;
    }

    private static string Text(string path, SimulationResult r)
    {
        var o = r.Options;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{path}: {r.TestHours} hours from {r.From:yyyy-MM-dd HH:mm}Z; capacity {o.Capacity:0.###} req/s per server, {o.Servers}..{o.MaxServers} servers, threshold {o.Threshold * 100:0.#}%, lead {Duration.Format(o.Lead)}, reactive delay {o.ReactiveDelay}h"),
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
            writer.WriteNumber("capacity", Math.Round(r.Options.Capacity, 6));
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
