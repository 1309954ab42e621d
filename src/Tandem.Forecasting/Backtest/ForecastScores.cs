namespace Tandem.Forecasting.Backtest;

/// <summary>
/// Forecast error metrics over aligned arrays of actual and forecast values. A pair where either side is NaN (a gap or
/// no forecast) is skipped by every metric.
/// </summary>
public static class ForecastScores
{
    /// <summary>Mean absolute error.</summary>
    public static double Mae(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast)
    {
        var sum = 0.0;
        var count = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (Both(actual[i], forecast[i]))
            {
                sum += Math.Abs(forecast[i] - actual[i]);
                count++;
            }
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>Symmetric MAPE in percent (0..200): mean of 200 |F - A| / (|A| + |F|); a pair of zeros counts as 0.</summary>
    public static double Smape(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast)
    {
        var sum = 0.0;
        var count = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!Both(actual[i], forecast[i]))
            {
                continue;
            }
            var denominator = Math.Abs(actual[i]) + Math.Abs(forecast[i]);
            sum += denominator == 0 ? 0 : 200 * Math.Abs(forecast[i] - actual[i]) / denominator;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>
    /// The MASE scale: the in-sample MAE of seasonal naive 24 on hours <c>[0, trainEnd)</c>, that is the mean of
    /// |y[t] - y[t-24]| over the training hours where both are observed.
    /// </summary>
    public static double SeasonalNaiveScale(ReadOnlySpan<double> values, int trainEnd, int period = 24)
    {
        var sum = 0.0;
        var count = 0;
        for (var t = period; t < trainEnd; t++)
        {
            if (Both(values[t], values[t - period]))
            {
                sum += Math.Abs(values[t] - values[t - period]);
                count++;
            }
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>
    /// The share of days whose busiest forecast hour is within ±1 hour of the busiest actual hour. Days are consecutive
    /// blocks of <paramref name="dayLength"/> from the first element; a day with any skipped pair is not scored.
    /// </summary>
    public static double PeakHitRate(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, int dayLength = 24)
    {
        var days = 0;
        var hits = 0;
        for (var start = 0; start + dayLength <= actual.Length; start += dayLength)
        {
            var complete = true;
            for (var i = start; i < start + dayLength && complete; i++)
            {
                complete = Both(actual[i], forecast[i]);
            }
            if (!complete)
            {
                continue;
            }
            days++;
            var actualPeak = ArgMax(actual.Slice(start, dayLength));
            var forecastPeak = ArgMax(forecast.Slice(start, dayLength));
            if (Math.Abs(actualPeak - forecastPeak) <= 1)
            {
                hits++;
            }
        }
        return days == 0 ? double.NaN : (double)hits / days;
    }

    /// <summary>
    /// Peak timing per day: for each complete day (blocks of <paramref name="dayLength"/> from the first element), whether
    /// the busiest forecast hour is the busiest actual hour (exact), before it (early: scaling would come in time) or
    /// after it (late: the forecast misses the rise). Shares of the scored days; NaN when no day is complete.
    /// </summary>
    public static PeakTiming PeakTimes(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, int dayLength = 24)
    {
        int days = 0, exact = 0, early = 0;
        for (var start = 0; start + dayLength <= actual.Length; start += dayLength)
        {
            var offset = DayPeakOffset(actual.Slice(start, dayLength), forecast.Slice(start, dayLength));
            if (offset is not { } value)
            {
                continue;
            }
            days++;
            exact += value == 0 ? 1 : 0;
            early += value < 0 ? 1 : 0;
        }
        return days == 0
            ? new PeakTiming(0, double.NaN, double.NaN, double.NaN)
            : new PeakTiming(days, (double)exact / days, (double)early / days, (double)(days - exact - early) / days);
    }

    /// <summary>The forecast peak hour minus the actual peak hour of one day (null when any pair is missing).</summary>
    public static int? DayPeakOffset(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast)
    {
        for (var i = 0; i < actual.Length; i++)
        {
            if (!Both(actual[i], forecast[i]))
            {
                return null;
            }
        }
        return ArgMax(forecast) - ArgMax(actual);
    }

    /// <summary>The index of the busiest hour (null when any is missing).</summary>
    public static int? PeakHour(ReadOnlySpan<double> values)
    {
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                return null;
            }
        }
        return ArgMax(values);
    }

    /// <summary>
    /// Interval coverage: the share of scored hours at or under <paramref name="upper"/> (nominally the upper quantile,
    /// 0.9 for p90) and the share inside [<paramref name="lower"/>, <paramref name="upper"/>] (nominally 0.8 for p10..p90).
    /// </summary>
    public static (double Upper, double Band) Coverage(ReadOnlySpan<double> actual, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        int count = 0, under = 0, inside = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!Both(actual[i], upper[i]) || double.IsNaN(lower[i]))
            {
                continue;
            }
            count++;
            under += actual[i] <= upper[i] ? 1 : 0;
            inside += actual[i] <= upper[i] && actual[i] >= lower[i] ? 1 : 0;
        }
        return count == 0 ? (double.NaN, double.NaN) : ((double)under / count, (double)inside / count);
    }

    /// <summary>
    /// Overload detection: an hour is overloaded when its value exceeds <paramref name="threshold"/>. Precision is
    /// the share of forecast overloads that were real, recall the share of real overloads that were forecast; each is
    /// NaN when its denominator is zero.
    /// </summary>
    public static (double Precision, double Recall) Overload(ReadOnlySpan<double> actual, ReadOnlySpan<double> forecast, double threshold)
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            if (!Both(actual[i], forecast[i]))
            {
                continue;
            }
            var real = actual[i] > threshold;
            var predicted = forecast[i] > threshold;
            if (real && predicted)
            {
                truePositives++;
            }
            else if (predicted)
            {
                falsePositives++;
            }
            else if (real)
            {
                falseNegatives++;
            }
        }
        var precision = truePositives + falsePositives == 0 ? double.NaN : (double)truePositives / (truePositives + falsePositives);
        var recall = truePositives + falseNegatives == 0 ? double.NaN : (double)truePositives / (truePositives + falseNegatives);
        return (precision, recall);
    }

    /// <summary>The <paramref name="p"/> quantile (0..1) of the non-NaN values, linear between order statistics (NaN when none).</summary>
    public static double Quantile(ReadOnlySpan<double> values, double p)
    {
        var sorted = new List<double>(values.Length);
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                sorted.Add(value);
            }
        }
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        sorted.Sort();
        var position = p * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    private static bool Both(double a, double b) => !double.IsNaN(a) && !double.IsNaN(b);

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
