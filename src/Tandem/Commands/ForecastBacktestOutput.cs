using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Forecasting.Backtest;

namespace Tandem.Commands;

/// <summary>The backtest report as a table for people or JSON for scripts (<c>tandem forecast backtest [--json]</c>).</summary>
internal static class ForecastBacktestOutput
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    internal static string Table(string path, BacktestReport report)
    {
        var text = new StringBuilder();
        var refits = report.Refits == 1 ? "one forecaster trained before them" : $"{report.Refits} forecasters (one before them, then a refit every {report.RefitHours} h)";
        text.AppendLine(C, $"{path}: test {Hour(report.TestStart)} .. {Hour(report.TestEnd)} after {report.TrainingHours} hours; {refits}");
        text.AppendLine(C, $"training took {report.TrainingTime.TotalSeconds:0.0} s, {report.TrainingCpuTime.TotalSeconds:0.0} s CPU in all ({report.FirstTrainingCpuTime.TotalSeconds:0.0} s CPU for the first)");
        text.AppendLine(C, $"MASE scale (training seasonal-naive-24 MAE) {report.MaseScale:0.##}; overload = above the training p90, {report.OverloadThreshold:0.##} requests/hour");
        text.AppendLine();
        text.AppendLine(C, $"{"forecast",-20} {"horizon",7} {"MAE",10} {"sMAPE%",7} {"MASE",6} {"peak±1",6} {"exact",5} {"early",5} {"late",5} {"precision",9} {"recall",6}");
        foreach (var r in report.Results)
        {
            text.AppendLine(C, $"{r.Model,-20} {r.Horizon,7} {F(r.Mae, "0.0"),10} {F(r.Smape, "0.0"),7} {F(r.Mase, "0.000"),6} {F(r.PeakHit, "0.00"),6} {F(r.Peaks.Exact, "0.00"),5} {F(r.Peaks.Early, "0.00"),5} {F(r.Peaks.Late, "0.00"),5} {F(r.Precision, "0.00"),9} {F(r.Recall, "0.00"),6}");
        }
        text.AppendLine();
        text.AppendLine("The forecaster against the best naive baseline on the test hours (MAE ratio; below 1 is better):");
        text.AppendLine(C, $"{"horizon",7} {"best baseline",20} {"selected",8} {"combined",8} {"chosen",7} {"combined in",11} {"p90 cover",9} {"p10-p90",7} {"late peaks",10}");
        foreach (var h in report.Horizons)
        {
            var best = report.BestBaseline(h);
            var chosen = report.Score(Backtester.ChosenName, h);
            text.AppendLine(C, $"{h,7} {best.Model,20} {F(Ratio(report, Backtester.SelectedName, h), "0.00"),8} {F(Ratio(report, Backtester.CombinedName, h), "0.00"),8} {F(Ratio(report, Backtester.ChosenName, h), "0.00"),7} {F(report.CombinedShare[h] * 100, "0") + "%",11} {F(chosen.CoverageUpper, "0.00"),9} {F(chosen.CoverageBand, "0.00"),7} {F(chosen.Peaks.Late, "0.00"),10}");
        }
        text.AppendLine(C, $"mean chosen ratio over horizons {F(MeanChosenRatio(report), "0.00")} (selected {F(MeanRatio(report, Backtester.SelectedName), "0.00")}, combined {F(MeanRatio(report, Backtester.CombinedName), "0.00")})");
        text.AppendLine();
        text.AppendLine(C, $"The first forecaster's validation ({Hour(report.ValidationStart)} .. {Hour(report.TestStart.AddHours(-1))}, models fitted before it):");
        foreach (var choice in report.Validation)
        {
            var ranking = choice.Ranking.Select(r => string.Create(C, $"{r.Model} {F(r.Mase, "0.000")}"));
            text.AppendLine(C, $"  h={choice.Horizon,-3} selected {choice.Model}; combination MAE {F(choice.CombinedMae, "0.0")} vs selection {F(choice.SelectedMae, "0.0")}: {(choice.Combine ? "combination" : "selection")}");
            text.AppendLine(C, $"        validation MASE: {string.Join(", ", ranking)}");
        }
        text.AppendLine();
        text.AppendLine(C, $"Daily peak of the chosen forecast, hours after (+, late) or before (-, early) the actual peak, per horizon {string.Join(", ", report.Horizons)}:");
        foreach (var day in report.Days)
        {
            var offsets = day.Offsets.Select(o => o is { } value ? value.ToString("+0;-0;0", C) : "-");
            text.AppendLine(C, $"  {day.Day:yyyy-MM-dd HH:mm}Z actual peak at +{(day.ActualPeak is { } peak ? peak.ToString(C) : "-")}h: {string.Join(" ", offsets)}");
        }
        return text.ToString();
    }

    internal static string Json(BacktestReport report)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("testStart", report.TestStart);
            writer.WriteString("testEnd", report.TestEnd);
            writer.WriteNumber("refits", report.Refits);
            Number(writer, "trainingCpuSeconds", report.TrainingCpuTime.TotalSeconds);
            Number(writer, "firstTrainingCpuSeconds", report.FirstTrainingCpuTime.TotalSeconds);
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
                Peaks(writer, r.Peaks);
                Number(writer, "precision", r.Precision);
                Number(writer, "recall", r.Recall);
                Number(writer, "coverageP90", r.CoverageUpper);
                Number(writer, "coverageBand", r.CoverageBand);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("summary");
            foreach (var h in report.Horizons)
            {
                var best = report.BestBaseline(h);
                var chosen = report.Score(Backtester.ChosenName, h);
                writer.WriteStartObject();
                writer.WriteNumber("horizon", h);
                writer.WriteString("bestBaseline", best.Model);
                Number(writer, "bestBaselineMae", best.Mae);
                Number(writer, "selectedRatio", Ratio(report, Backtester.SelectedName, h));
                Number(writer, "combinedRatio", Ratio(report, Backtester.CombinedName, h));
                Number(writer, "chosenRatio", Ratio(report, Backtester.ChosenName, h));
                Number(writer, "combinedShare", report.CombinedShare[h]);
                Number(writer, "coverageP90", chosen.CoverageUpper);
                Number(writer, "coverageBand", chosen.CoverageBand);
                Peaks(writer, chosen.Peaks);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            Number(writer, "meanChosenRatio", MeanChosenRatio(report));
            writer.WriteStartObject("selected");
            foreach (var choice in report.Validation)
            {
                writer.WriteString(choice.Horizon.ToString(C), choice.Model);
            }
            writer.WriteEndObject();
            writer.WriteStartArray("days");
            foreach (var day in report.Days)
            {
                writer.WriteStartObject();
                writer.WriteString("day", day.Day);
                if (day.ActualPeak is { } peak)
                {
                    writer.WriteNumber("actualPeak", peak);
                }
                else
                {
                    writer.WriteNull("actualPeak");
                }
                writer.WriteStartObject("offsets");
                for (var i = 0; i < report.Horizons.Count; i++)
                {
                    if (day.Offsets[i] is { } offset)
                    {
                        writer.WriteNumber(report.Horizons[i].ToString(C), offset);
                    }
                    else
                    {
                        writer.WriteNull(report.Horizons[i].ToString(C));
                    }
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    /// <summary>A forecast's test MAE over the best baseline's at the same horizon.</summary>
    internal static double Ratio(BacktestReport report, string model, int horizon) => report.Score(model, horizon).Mae / report.BestBaseline(horizon).Mae;

    internal static double MeanChosenRatio(BacktestReport report) => MeanRatio(report, Backtester.ChosenName);

    private static double MeanRatio(BacktestReport report, string model) => report.Horizons.Average(h => Ratio(report, model, h));

    private static void Peaks(Utf8JsonWriter writer, PeakTiming peaks)
    {
        writer.WriteStartObject("peaks");
        writer.WriteNumber("days", peaks.Days);
        Number(writer, "exact", peaks.Exact);
        Number(writer, "early", peaks.Early);
        Number(writer, "late", peaks.Late);
        writer.WriteEndObject();
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

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, C) : "-";

    private static string Hour(DateTimeOffset hour) => hour.ToString("yyyy-MM-ddTHH:mm'Z'", C);
}
