namespace Tandem.Forecasting.Planning;

/// <summary>
/// Reads two plans' frontiers (extra server-minutes against overloaded minutes, one point per setting) against each
/// other. A frontier is the lower envelope of a plan's points (a point no other setting beats on both counts),
/// read linearly between them; beyond its last point it stays flat (spending more is never worse), before its first
/// point it is unknown (NaN). The forecast plan is read at each point of the reactive plan's envelope.
/// </summary>
public static class Frontier
{
    /// <summary>How the forecast plan does at one reactive point: its overloads at the same extra, its extra at the same overloads.</summary>
    public sealed record Comparison(FrontierPoint Reactive, double ForecastOverloaded, double ForecastExtra)
    {
        /// <summary>Forecast overloads / reactive overloads at equal extra (below 1: forecasting wins).</summary>
        public double OverloadRatio => Reactive.Overloaded == 0 ? double.NaN : ForecastOverloaded / Reactive.Overloaded;

        /// <summary>Forecast extra / reactive extra at equal overloads (below 1: forecasting wins).</summary>
        public double CostRatio => Reactive.Extra == 0 ? double.NaN : ForecastExtra / Reactive.Extra;
    }

    public static IReadOnlyList<Comparison> Compare(IReadOnlyList<FrontierPoint> forecast, IReadOnlyList<FrontierPoint> reactive)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(reactive);
        var envelope = Envelope(forecast).Select(p => ((double)p.Extra, (double)p.Overloaded)).ToList();
        return [.. Envelope(reactive).Select(r => new Comparison(r, OverloadedAt(envelope, r.Extra), ExtraAt(envelope, r.Overloaded)))];
    }

    /// <summary>The points no other point beats on both counts, by increasing extra (and so decreasing overloads).</summary>
    public static IReadOnlyList<FrontierPoint> Envelope(IReadOnlyList<FrontierPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var envelope = new List<FrontierPoint>();
        var best = int.MaxValue;
        foreach (var point in points.OrderBy(p => p.Extra).ThenBy(p => p.Overloaded))
        {
            if (point.Overloaded < best)
            {
                best = point.Overloaded;
                envelope.Add(point);
            }
        }
        return envelope;
    }

    /// <summary>The envelope's overloaded minutes at <paramref name="extra"/>.</summary>
    public static double OverloadedAt(IReadOnlyList<(double Extra, double Overloaded)> envelope, double extra)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Count == 0 || extra < envelope[0].Extra)
        {
            return double.NaN;
        }
        for (var i = 0; i + 1 < envelope.Count; i++)
        {
            var (x0, y0) = envelope[i];
            var (x1, y1) = envelope[i + 1];
            if (extra <= x1)
            {
                return x1 == x0 ? y1 : y0 + ((y1 - y0) * (extra - x0) / (x1 - x0));
            }
        }
        return envelope[^1].Overloaded;
    }

    /// <summary>The least extra at which the envelope overloads at most <paramref name="overloaded"/> minutes (NaN when outside its points).</summary>
    public static double ExtraAt(IReadOnlyList<(double Extra, double Overloaded)> envelope, double overloaded)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Count == 0 || overloaded < envelope[^1].Overloaded)
        {
            return double.NaN;
        }
        if (overloaded > envelope[0].Overloaded)
        {
            // Fewer extra minutes than any threshold spent might do: unknown.
            return double.NaN;
        }
        if (overloaded == envelope[0].Overloaded)
        {
            return envelope[0].Extra;
        }
        for (var i = 0; i + 1 < envelope.Count; i++)
        {
            var (x0, y0) = envelope[i];
            var (x1, y1) = envelope[i + 1];
            if (overloaded >= y1)
            {
                return x0 + ((x1 - x0) * (y0 - overloaded) / (y0 - y1));
            }
        }
        return envelope[^1].Extra;
    }
}
