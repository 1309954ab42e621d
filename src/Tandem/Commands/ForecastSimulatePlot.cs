using System.Globalization;
using System.Text;
using Tandem.Forecasting.Planning;

namespace Tandem.Commands;

/// <summary>
/// The picture of <c>tandem forecast simulate --plot FILE.svg</c>, a self-contained SVG: over one day, the actual
/// requests per minute, the forecast made <c>lead</c> minutes before each minute with its p90 bound, and the capacity
/// each plan had serving (servers x capacity: a line under the load is an overloaded minute); with <c>--sweep</c>, the
/// two frontiers below it (extra server-minutes against overloaded minutes, one point per threshold).
/// </summary>
internal static class ForecastSimulatePlot
{
    private const int Width = 1000;
    private const int PanelHeight = 360;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 40;
    private const int Bottom = 40;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>One day of minutes: load, forecast point and upper bound (per minute), capacity per server (per minute), servers serving.</summary>
    public sealed record Day(DateOnly Date, double[] Load, double[] Point, double[] Upper, double CapacityPerMinute, int StaticServers,
        int[] ForecastServers, int[] ReactiveServers, double Threshold);

    public static string Svg(Day day, MinuteSimulationResult? sweep)
    {
        ArgumentNullException.ThrowIfNull(day);
        var height = (PanelHeight * (sweep is null ? 1 : 2)) + 20;
        var svg = new StringBuilder();
        svg.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        DayPanel(svg, day);
        if (sweep is not null)
        {
            FrontierPanel(svg, sweep, PanelHeight + 20);
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void DayPanel(StringBuilder svg, Day day)
    {
        var max = 1.0;
        for (var i = 0; i < day.Load.Length; i++)
        {
            max = Math.Max(max, Finite(day.Load[i]));
            max = Math.Max(max, Finite(day.Upper[i]));
            max = Math.Max(max, day.ForecastServers[i] * day.CapacityPerMinute);
            max = Math.Max(max, day.ReactiveServers[i] * day.CapacityPerMinute);
        }
        max *= 1.05;
        double X(int minute) => Left + ((Width - Left - Right) * minute / 1440.0);
        double Y(double value) => Top + ((PanelHeight - Top - Bottom) * (1 - (value / max)));
        svg.Append(C, $"<text x=\"{Left}\" y=\"20\" font-size=\"14\">{day.Date:yyyy-MM-dd} (UTC): requests per minute, forecast with p90, and each plan's capacity in rotation at threshold {day.Threshold * 100:0}%</text>\n");
        Axes(svg, 0, max, "requests/min", X(0), X(1440), Y, 0);
        for (var hour = 0; hour <= 24; hour += 3)
        {
            svg.Append(C, $"<text x=\"{X(hour * 60):0.#}\" y=\"{PanelHeight - Bottom + 16}\" text-anchor=\"middle\">{hour:00}:00</text>\n");
        }
        // The band between the point forecast and its p90 bound.
        var band = new StringBuilder();
        var back = new StringBuilder();
        for (var i = 0; i < 1440; i++)
        {
            if (!double.IsNaN(day.Upper[i]) && !double.IsNaN(day.Point[i]))
            {
                band.Append(C, $"{X(i):0.#},{Y(day.Upper[i]):0.#} ");
                back.Insert(0, string.Create(C, $"{X(i):0.#},{Y(day.Point[i]):0.#} "));
            }
        }
        svg.Append(C, $"<polygon points=\"{band}{back}\" fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\"/>\n");
        Line(svg, day.Load, X, Y, "#444", 0.8);
        Line(svg, day.Point, X, Y, "#3182bd", 1.2);
        Line(svg, [.. Enumerable.Repeat(day.StaticServers * day.CapacityPerMinute, 1440)], X, Y, "#999", 1, "4 3");
        Line(svg, [.. day.ReactiveServers.Select(s => s * day.CapacityPerMinute)], X, Y, "#e6550d", 1.6);
        Line(svg, [.. day.ForecastServers.Select(s => s * day.CapacityPerMinute)], X, Y, "#31a354", 1.6);
        Legend(svg, Left + 10, Top + 8,
        [
            ("#444", "actual"), ("#3182bd", "forecast (made lead earlier), band to p90"), ("#31a354", "forecast plan: servers x capacity"),
            ("#e6550d", "reactive plan: servers x capacity"), ("#999", $"static {day.StaticServers} servers"),
        ]);
    }

    private static void FrontierPanel(StringBuilder svg, MinuteSimulationResult sweep, int offset)
    {
        var points = sweep.Forecast.Concat(sweep.Reactive).ToList();
        var maxX = Math.Max(1, points.Max(p => p.Extra)) * 1.05;
        // Overloads span three orders of magnitude along a frontier: a log scale (of 1 + minutes) keeps the low end readable.
        var maxY = Math.Log10(1 + Math.Max(1, Math.Max(sweep.StaticOverloaded, points.Max(p => p.Overloaded)))) * 1.05;
        double X(double extra) => Left + ((Width - Left - Right) * extra / maxX);
        double Y(double overloaded) => offset + Top + ((PanelHeight - Top - Bottom) * (1 - (Math.Log10(1 + overloaded) / maxY)));
        svg.Append(C, $"<text x=\"{Left}\" y=\"{offset + 20}\" font-size=\"14\">Frontiers: extra server-minutes (x) against overloaded minutes (y, log scale), a point per threshold and hold, lines the frontiers; lower left is better</text>\n");
        LogAxes(svg, maxY, X(0), X(maxX), Y, offset);
        for (var i = 0; i <= 5; i++)
        {
            var value = maxX * i / 5;
            svg.Append(C, $"<text x=\"{X(value):0.#}\" y=\"{offset + PanelHeight - Bottom + 16}\" text-anchor=\"middle\">{value:0}</text>\n");
        }
        foreach (var (plan, colour) in new[] { (sweep.Forecast, "#31a354"), (sweep.Reactive, "#e6550d") })
        {
            var path = string.Join(" ", Frontier.Envelope(plan).Select(p => string.Create(C, $"{X(p.Extra):0.#},{Y(p.Overloaded):0.#}")));
            svg.Append(C, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\n");
            foreach (var p in plan)
            {
                svg.Append(C, $"<circle cx=\"{X(p.Extra):0.#}\" cy=\"{Y(p.Overloaded):0.#}\" r=\"2.5\" fill=\"{colour}\" fill-opacity=\"0.5\"><title>{p.Threshold * 100:0}%, hold {p.Hold} min: {p.Extra} extra, {p.Overloaded} overloaded</title></circle>\n");
            }
        }
        svg.Append(C, $"<circle cx=\"{X(0):0.#}\" cy=\"{Y(sweep.StaticOverloaded):0.#}\" r=\"4\" fill=\"#999\"/>\n");
        Legend(svg, Width - Right - 260, offset + Top + 8, [("#31a354", "forecast-driven"), ("#e6550d", "reactive"), ("#999", "static (0 extra)")]);
    }

    private static void Axes(StringBuilder svg, double min, double max, string label, double x0, double x1, Func<double, double> y, int offset)
    {
        svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(min):0.#}\" x2=\"{x1:0.#}\" y2=\"{y(min):0.#}\" stroke=\"black\"/>\n");
        svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(min):0.#}\" x2=\"{x0:0.#}\" y2=\"{y(max):0.#}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var value = min + ((max - min) * i / 4);
            svg.Append(C, $"<text x=\"{x0 - 6:0.#}\" y=\"{y(value) + 4:0.#}\" text-anchor=\"end\">{value:0}</text>\n");
            svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(value):0.#}\" x2=\"{x1:0.#}\" y2=\"{y(value):0.#}\" stroke=\"#eee\"/>\n");
        }
        svg.Append(C, $"<text x=\"14\" y=\"{offset + (PanelHeight / 2)}\" transform=\"rotate(-90 14 {offset + (PanelHeight / 2)})\" text-anchor=\"middle\">{label}</text>\n");
    }

    private static void LogAxes(StringBuilder svg, double maxLog, double x0, double x1, Func<double, double> y, int offset)
    {
        svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(0):0.#}\" x2=\"{x1:0.#}\" y2=\"{y(0):0.#}\" stroke=\"black\"/>\n");
        svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(0):0.#}\" x2=\"{x0:0.#}\" y2=\"{offset + Top}\" stroke=\"black\"/>\n");
        for (var value = 1; Math.Log10(1 + value) <= maxLog; value *= 10)
        {
            svg.Append(C, $"<text x=\"{x0 - 6:0.#}\" y=\"{y(value) + 4:0.#}\" text-anchor=\"end\">{value}</text>\n");
            svg.Append(C, $"<line x1=\"{x0:0.#}\" y1=\"{y(value):0.#}\" x2=\"{x1:0.#}\" y2=\"{y(value):0.#}\" stroke=\"#eee\"/>\n");
        }
        svg.Append(C, $"<text x=\"{x0 - 6:0.#}\" y=\"{y(0) + 4:0.#}\" text-anchor=\"end\">0</text>\n");
        svg.Append(C, $"<text x=\"14\" y=\"{offset + (PanelHeight / 2)}\" transform=\"rotate(-90 14 {offset + (PanelHeight / 2)})\" text-anchor=\"middle\">overloaded min</text>\n");
    }

    private static void Line(StringBuilder svg, double[] values, Func<int, double> x, Func<double, double> y, string colour, double width, string? dash = null)
    {
        var path = new StringBuilder();
        var pen = 'M';
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                pen = 'M';
                continue;
            }
            path.Append(C, $"{pen}{x(i):0.#},{y(values[i]):0.#} ");
            pen = 'L';
        }
        var dashes = dash is null ? "" : $" stroke-dasharray=\"{dash}\"";
        svg.Append(C, $"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dashes}/>\n");
    }

    private static void Legend(StringBuilder svg, int x, int y, (string Colour, string Text)[] entries)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            var row = y + (i * 16);
            svg.Append(C, $"<rect x=\"{x}\" y=\"{row}\" width=\"14\" height=\"4\" fill=\"{entries[i].Colour}\"/>\n");
            svg.Append(C, $"<text x=\"{x + 20}\" y=\"{row + 6}\">{entries[i].Text}</text>\n");
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
