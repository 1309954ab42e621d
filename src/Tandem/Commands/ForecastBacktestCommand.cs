using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;

namespace Tandem.Commands;

/// <summary>
/// <c>tandem forecast backtest --history FILE.csv [--test-days 14] [--horizons 1,6,24] [--json]</c>: every model's
/// errors on the last test days, and the model selected per horizon. Exit 2 for a bad file or bad options.
/// </summary>
internal static class ForecastBacktestCommand
{
    /// <summary>The models forecast 1..24 hours ahead (dense-calendar has one output per hour of the next day).</summary>
    private const int MaxHorizon = 24;

    public static Command Create()
    {
        var history = new Option<string>("--history") { Description = "Hourly CSV 'timestamp_utc,requests' (empty count = gap).", Required = true };
        var testDays = new Option<int>("--test-days") { Description = "The last N days are the test set.", DefaultValueFactory = _ => 14 };
        var horizons = new Option<string>("--horizons") { Description = "Comma-separated horizons in hours (1..24).", DefaultValueFactory = _ => "1,6,24" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command("backtest", "Rolling-origin backtest of every forecasting model on an hourly history.") { history, testDays, horizons, json };
        command.SetAction((parse, cancellationToken) => Task.FromResult(Run(
            parse.GetRequiredValue(history), parse.GetValue(testDays), parse.GetValue(horizons) ?? "", parse.GetValue(json), Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    internal static int Run(string path, int testDays, string horizonList, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (testDays < 1)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tandem forecast backtest: --test-days must be at least 1, got {testDays}"));
            return ExitCodes.BadUsage;
        }
        if (!TryParseHorizons(horizonList, out var horizons))
        {
            stderr.WriteLine($"tandem forecast backtest: --horizons must be comma-separated integers 1..24, got '{horizonList}'");
            return ExitCodes.BadUsage;
        }
        HourlySeries series;
        try
        {
            series = HourlyCsv.Read(path);
        }
        catch (HourlyCsvException e)
        {
            stderr.WriteLine("tandem forecast backtest: " + e.Message);
            return ExitCodes.BadUsage;
        }
        BacktestReport report;
        try
        {
            report = Backtester.Run(series, new BacktestOptions { TestDays = testDays, Horizons = horizons }, cancellationToken);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"tandem forecast backtest: {path}: {e.Message.Split(" (Parameter", 2)[0]}");
            return ExitCodes.BadUsage;
        }
        stdout.Write(json ? Json(report) : Table(path, report));
        return ExitCodes.Ok;
    }

    internal static string Json(BacktestReport report)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var r in report.Results)
            {
                writer.WriteStartObject();
                writer.WriteString("model", r.Model);
                writer.WriteNumber("horizon", r.Horizon);
                Number(writer, "mae", r.Mae);
                Number(writer, "smape", r.Smape);
                Number(writer, "mase", r.Mase);
                Number(writer, "peakHit", r.PeakHit);
                Number(writer, "precision", r.Precision);
                Number(writer, "recall", r.Recall);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartObject("selected");
            foreach (var (horizon, model) in report.Selected)
            {
                writer.WriteString(horizon.ToString(CultureInfo.InvariantCulture), model);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    internal static string Table(string path, BacktestReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{path}: test {Hour(report.TestStart)} .. {Hour(report.TestEnd)}, trained on the {report.TrainingHours} hours before (fitting all models took {report.TrainingTime.TotalSeconds:0.0} s, {report.TrainingCpuTime.TotalSeconds:0.0} s CPU)");
        text.AppendLine(c, $"MASE scale (training seasonal-naive-24 MAE) {report.MaseScale:0.##}; overload = above the training p90, {report.OverloadThreshold:0.##} requests/hour");
        text.AppendLine();
        text.AppendLine(c, $"{"model",-20} {"horizon",7} {"MAE",10} {"sMAPE%",7} {"MASE",6} {"peakHit",7} {"precision",9} {"recall",6}");
        foreach (var r in report.Results)
        {
            text.AppendLine(c, $"{r.Model,-20} {r.Horizon,7} {F(r.Mae, "0.0"),10} {F(r.Smape, "0.0"),7} {F(r.Mase, "0.000"),6} {F(r.PeakHit, "0.00"),7} {F(r.Precision, "0.00"),9} {F(r.Recall, "0.00"),6}");
        }
        text.AppendLine();
        text.AppendLine(c, $"Selected per horizon by validation on the training part only ({Hour(report.ValidationStart)} .. {Hour(report.TestStart.AddHours(-1))}, models fitted before it); test-set MASE of the selection:");
        foreach (var (horizon, model) in report.Selected)
        {
            var selected = report.Score(model, horizon).Mase;
            var baseline = double.PositiveInfinity;
            foreach (var name in ModelCatalog.Baselines)
            {
                baseline = Math.Min(baseline, report.Score(name, horizon).Mase);
            }
            text.AppendLine(c, $"  h={horizon,-3} {model,-20} MASE {F(selected, "0.000")} (best baseline {F(baseline, "0.000")}, ratio {F(selected / baseline, "0.00")})");
            var ranking = report.Validation.First(v => v.Horizon == horizon).Ranking.Select(r => string.Create(c, $"{r.Model} {F(r.Mase, "0.000")}"));
            text.AppendLine(c, $"        validation MASE: {string.Join(", ", ranking)}");
        }
        return text.ToString();
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

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 4));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Hour(DateTimeOffset hour) => hour.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);
}
