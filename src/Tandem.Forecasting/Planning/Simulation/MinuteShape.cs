namespace Tandem.Forecasting.Planning;

/// <summary>
/// The shape of traffic inside the hour, from the last week: at a minute, the median over the same minute of the
/// last <see cref="Days"/> days of (the count around that minute, ±2) / (the count of the hour centred on it). Flat
/// (1) for traffic without one; a scheduled surge (an event at 19:00, a job at the top of the hour) shows as a step
/// that the hourly forecast alone would smear over two hours. The median ignores the days without it (a weekend);
/// a deviation the days do not agree on is shrunk towards 1.
/// Reads only minutes a day or more before the one asked, so it never looks ahead.
/// </summary>
internal sealed class MinuteShape
{
    public const int Days = 7;
    private const int Near = 2;
    private const int HalfHour = 30;

    private readonly double[] _sums;
    private readonly int[] _counts;

    public MinuteShape(double[] values)
    {
        _sums = new double[values.Length + 1];
        _counts = new int[values.Length + 1];
        for (var i = 0; i < values.Length; i++)
        {
            var observed = !double.IsNaN(values[i]);
            _sums[i + 1] = _sums[i] + (observed ? values[i] : 0);
            _counts[i + 1] = _counts[i] + (observed ? 1 : 0);
        }
    }

    /// <summary>The factor at <paramref name="minute"/> (1 when the last week says nothing).</summary>
    public double At(int minute)
    {
        Span<double> ratios = stackalloc double[Days];
        var n = 0;
        for (var day = 1; day <= Days; day++)
        {
            var ratio = Ratio(minute - (1440 * day));
            if (!double.IsNaN(ratio))
            {
                ratios[n++] = ratio;
            }
        }
        if (n == 0)
        {
            return 1;
        }
        var median = Median(ratios[..n]);
        // Shrink towards flat unless the days agree: a deviation within noise (twice the median absolute deviation
        // over the square root of the days) is dropped, so minute noise does not become a shape.
        Span<double> deviations = stackalloc double[n];
        for (var i = 0; i < n; i++)
        {
            deviations[i] = Math.Abs(ratios[i] - median);
        }
        var noise = 2 * Median(deviations) / Math.Sqrt(n);
        var excess = Math.Abs(median - 1);
        var kept = excess <= noise ? 0 : (excess - noise) / excess;
        return Math.Clamp(1 + ((median - 1) * kept), 0.2, 5);
    }

    private static double Median(Span<double> values)
    {
        values.Sort();
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private double Ratio(int x)
    {
        var near = Mean(x - Near, x + Near);
        var hour = Mean(x - HalfHour, x + HalfHour - 1);
        return hour > 0 ? near / hour : double.NaN;
    }

    private double Mean(int from, int to)
    {
        from = Math.Max(0, from);
        to = Math.Min(_counts.Length - 2, to);
        if (to < from)
        {
            return double.NaN;
        }
        var count = _counts[to + 1] - _counts[from];
        return count == 0 ? double.NaN : (_sums[to + 1] - _sums[from]) / count;
    }
}
