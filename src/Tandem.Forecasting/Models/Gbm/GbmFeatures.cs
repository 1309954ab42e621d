namespace Tandem.Forecasting.Models.Gbm;

/// <summary>
/// The gradient-boosted model's inputs for an origin t and a horizon h (target hour t+h). Every count is taken as
/// log1p relative to the level, the mean log1p of the last 24 hours, and clipped to ±3, so a tree split learned at 50
/// requests an hour applies at 50,000 and a level shift moves the inputs and the prediction together. Gaps are filled
/// as for every model (<see cref="SeriesInputs"/>); what is still missing reads as 0 (at the level).
/// </summary>
internal static class GbmFeatures
{
    public const int Count = 16;

    /// <summary>Hours before the origin the features reach back to (the week-ago hour of the first horizon).</summary>
    public const int Lookback = 168;

    public const double Clip = 3;

    private const int ProfileDays = 7;

    /// <summary>The level at origin <paramref name="t"/>: the mean log1p of hours t-23..t (NaN when they cannot be filled).</summary>
    public static double Level(double[] values, int t)
    {
        var level = 0.0;
        for (var i = t - 23; i <= t; i++)
        {
            level += Math.Log(1 + SeriesInputs.Filled(values, i));
        }
        return level / 24;
    }

    /// <summary>Fills <paramref name="features"/> for origin <paramref name="t"/> and horizon <paramref name="h"/> given the level.</summary>
    public static void Fill(HourlySeries series, int t, int h, double level, Span<float> features)
    {
        var values = series.Values;
        var target = t + h;
        var at = series.HourAt(target);
        features[0] = h;
        features[1] = at.Hour;
        features[2] = (int)at.DayOfWeek;
        features[3] = Relative(values, t, level);
        features[4] = Relative(values, t - 1, level);
        features[5] = Relative(values, t - 2, level);
        features[6] = Mean(values, t - 5, t, level);
        // The same hour of the target one day, two days and one week before (at most t: never the future).
        var dayBack = target - (24 * ((h + 23) / 24));
        features[7] = Relative(values, dayBack, level);
        features[8] = Relative(values, dayBack - 24, level);
        features[9] = Relative(values, target - 168, level);
        features[10] = Relative(values, t - 24, level);
        features[11] = Relative(values, t - 168, level);
        features[12] = (float)Math.Clamp(level - WeekLevel(values, t), -Clip, Clip);
        features[13] = Profile(values, dayBack, level);
        features[14] = Mean(values, t - 2, t, level) - Mean(values, t - 26, t - 24, level);
        features[15] = Mean(values, dayBack - 2, Math.Min(dayBack + 2, t), level);
    }

    private static float Relative(double[] values, int index, double level)
    {
        var value = SeriesInputs.Filled(values, index);
        return double.IsNaN(value) ? 0 : (float)Math.Clamp(Math.Log(1 + value) - level, -Clip, Clip);
    }

    /// <summary>log1p of the mean count over hours [from, to] (only those at or before the latest index read by the caller).</summary>
    private static float Mean(double[] values, int from, int to, double level)
    {
        var sum = 0.0;
        var count = 0;
        for (var i = from; i <= to; i++)
        {
            var value = SeriesInputs.Filled(values, i);
            if (!double.IsNaN(value))
            {
                sum += value;
                count++;
            }
        }
        return count == 0 ? 0 : (float)Math.Clamp(Math.Log(1 + (sum / count)) - level, -Clip, Clip);
    }

    /// <summary>The mean over the last <see cref="ProfileDays"/> days of the target's hour of day (from its latest known day back).</summary>
    private static float Profile(double[] values, int latest, double level)
    {
        var sum = 0.0;
        var count = 0;
        for (var d = 0; d < ProfileDays; d++)
        {
            var value = SeriesInputs.Filled(values, latest - (24 * d));
            if (!double.IsNaN(value))
            {
                sum += Math.Log(1 + value);
                count++;
            }
        }
        return count == 0 ? 0 : (float)Math.Clamp((sum / count) - level, -Clip, Clip);
    }

    private static double WeekLevel(double[] values, int t)
    {
        var sum = 0.0;
        var count = 0;
        for (var i = t - 167; i <= t; i++)
        {
            var value = SeriesInputs.Filled(values, i);
            if (!double.IsNaN(value))
            {
                sum += Math.Log(1 + value);
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
