using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Forecasting.Planning;

namespace Tandem.Commands;

/// <summary>The two frontiers of <c>tandem forecast simulate --sweep</c> as a table or JSON, with the forecast plan read at each reactive point.</summary>
internal static class ForecastSimulateOutput
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// The reactive plan's frontier with the forecast plan read at each of its points, then the forecast plan's
    /// frontier, after <paramref name="header"/>; counts in <paramref name="unit"/> (minutes or hours) out of <paramref name="total"/>.
    /// </summary>
    public static string FrontierTable(string header, string unit, int total, IReadOnlyList<FrontierPoint> forecast, IReadOnlyList<FrontierPoint> reactive)
    {
        var text = new StringBuilder();
        text.AppendLine(header);
        text.AppendLine();
        text.AppendLine(C, $"Reactive frontier (each point: the threshold and scale-in hold no other setting beats on both counts), and the forecast plan at the same cost or the same overload:");
        text.AppendLine(C, $"{"threshold",9} {"hold",5} {"extra",8} {"overloaded",10} | {"forecast overloaded",19} {"ratio",5} | {"forecast extra",14} {"ratio",5}");
        text.AppendLine(C, $"{"",9} {"",5} {"srv-" + unit[..3],8} {unit,10} | {"at the same extra",19} {"",5} | {"at the same overl.",14} {"",5}");
        var comparisons = Frontier.Compare(forecast, reactive);
        foreach (var c in comparisons)
        {
            var r = c.Reactive;
            text.AppendLine(C, $"{r.Threshold * 100,8:0}% {r.Hold,5} {r.Extra,8} {r.Overloaded,10} | {F(c.ForecastOverloaded, "0"),19} {F(c.OverloadRatio, "0.00"),5} | {F(c.ForecastExtra, "0"),14} {F(c.CostRatio, "0.00"),5}");
        }
        text.AppendLine();
        text.AppendLine("Forecast-driven frontier:");
        text.AppendLine(C, $"{"threshold",9} {"hold",5} {"extra",8} {"overloaded",10}");
        foreach (var f in Frontier.Envelope(forecast))
        {
            text.AppendLine(C, $"{f.Threshold * 100,8:0}% {f.Hold,5} {f.Extra,8} {f.Overloaded,10}");
        }
        var (best, median) = Summary(comparisons, total);
        text.AppendLine();
        text.AppendLine(C, $"Where the reactive plan overloads 0.05%..2.5% of the {unit}, the forecast plan overloads {F(median.Overload, "0.00")}x as many (median; best {F(best.Overload, "0.00")}x) for the same extra server-{unit},");
        text.AppendLine(C, $"or costs {F(median.Cost, "0.00")}x the extra server-{unit} (median; best {F(best.Cost, "0.00")}x) for the same overloaded {unit}; below 1 forecasting wins.");
        return text.ToString();
    }

    /// <summary><c>{"forecast":[{threshold,extra,overloaded}],"reactive":[...]}</c> with the unit, capacity and the static plan's overloads.</summary>
    public static string FrontierJson(string unit, double capacity, int total, int staticOverloaded, IReadOnlyList<FrontierPoint> forecast, IReadOnlyList<FrontierPoint> reactive)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("unit", unit);
            writer.WriteNumber("capacity", Math.Round(capacity, 6));
            writer.WriteNumber("total", total);
            writer.WriteNumber("staticOverloaded", staticOverloaded);
            Points(writer, "forecast", forecast);
            Points(writer, "reactive", reactive);
            writer.WriteStartArray("comparison");
            var comparisons = Frontier.Compare(forecast, reactive);
            foreach (var c in comparisons)
            {
                writer.WriteStartObject();
                writer.WriteNumber("threshold", c.Reactive.Threshold);
                writer.WriteNumber("hold", c.Reactive.Hold);
                writer.WriteNumber("extra", c.Reactive.Extra);
                writer.WriteNumber("overloaded", c.Reactive.Overloaded);
                Number(writer, "forecastOverloadedAtReactiveExtra", c.ForecastOverloaded);
                Number(writer, "overloadRatio", c.OverloadRatio);
                Number(writer, "forecastExtraAtReactiveOverloaded", c.ForecastExtra);
                Number(writer, "costRatio", c.CostRatio);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            var (best, median) = Summary(comparisons, total);
            Number(writer, "medianOverloadRatio", median.Overload);
            Number(writer, "medianCostRatio", median.Cost);
            Number(writer, "bestOverloadRatio", best.Overload);
            Number(writer, "bestCostRatio", best.Cost);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    /// <summary>The best and the median ratios over the reactive frontier's points that overload 0.05%..2.5% of <paramref name="total"/> (the operating range).</summary>
    internal static ((double Overload, double Cost) Best, (double Overload, double Cost) Median) Summary(IReadOnlyList<Frontier.Comparison> comparisons, int total)
    {
        var usual = comparisons.Where(c => c.Reactive.Overloaded >= total * 0.0005 && c.Reactive.Overloaded <= total * 0.025).ToList();
        var overload = usual.Select(c => c.OverloadRatio).Where(double.IsFinite).Order().ToList();
        var cost = usual.Select(c => c.CostRatio).Where(double.IsFinite).Order().ToList();
        return ((Min(overload), Min(cost)), (Median(overload), Median(cost)));
    }

    private static double Min(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[0];

    private static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];

    private static void Points(Utf8JsonWriter writer, string name, IReadOnlyList<FrontierPoint> points)
    {
        writer.WriteStartArray(name);
        foreach (var p in points)
        {
            writer.WriteStartObject();
            writer.WriteNumber("threshold", Math.Round(p.Threshold, 4));
            writer.WriteNumber("extra", p.Extra);
            writer.WriteNumber("overloaded", p.Overloaded);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
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
}
