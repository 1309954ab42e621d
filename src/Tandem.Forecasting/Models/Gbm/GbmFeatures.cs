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

    /// <summary>Hours before the origin the features reach back to: the level of the day a week before (t-191..t-168).</summary>
    public const int Lookback = 192;

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
        // The same hour of the target one day, two days and one week before (never after t).
        var days = (h + 23) / 24;
        var dayBack = target - (24 * days);
        var dayLevel = Level(values, t - (24 * (days - 1)) - 24);
        var weekLevel = Level(values, t - 168);
        features[0] = h;
        features[1] = at.Hour;
        features[2] = (int)at.DayOfWeek;
        // The last hours against today's level: where the day stands now.
        features[3] = Relative(values, t, level);
        features[4] = Relative(values, t - 1, level);
        features[5] = Relative(values, t - 2, level);
        features[6] = Mean(values, t - 5, t, level);
        // Earlier days' hours against their own day's level: the shape of the day and week, free of any level shift
        // between then and now (a tournament that triples the traffic and then collapses must not leak into the shape).
        features[7] = Relative(values, dayBack, dayLevel);
        features[8] = Relative(values, dayBack - 24, Level(values, t - (24 * days) - 24));
        features[9] = Relative(values, target - 168, weekLevel);
        features[10] = Relative(values, t - 24, Level(values, t - 24));
        features[11] = Relative(values, t - 168, weekLevel);
        features[12] = Shape(values, dayBack, t - (24 * (days - 1)) - 24);
        features[13] = Mean(values, dayBack - 2, Math.Min(dayBack + 2, t), dayLevel);
        // How the level moved: today against yesterday and a week ago (what the model may extrapolate, at most ±3).
        features[14] = Clamp(level - Level(values, t - 24));
        features[15] = Clamp(level - weekLevel);
    }

    /// <summary>The mean over the last <see cref="ProfileDays"/> days of an hour relative to its day's level, from <paramref name="latest"/> back.</summary>
    private static float Shape(double[] values, int latest, int latestLevelEnd)
    {
        var sum = 0.0;
        var count = 0;
        for (var d = 0; d < ProfileDays; d++)
        {
            var value = SeriesInputs.Filled(values, latest - (24 * d));
            var dayLevel = Level(values, latestLevelEnd - (24 * d));
            if (!double.IsNaN(value) && !double.IsNaN(dayLevel))
            {
                sum += Math.Clamp(Math.Log(1 + value) - dayLevel, -Clip, Clip);
                count++;
            }
        }
        return count == 0 ? 0 : (float)(sum / count);
    }

    private static float Clamp(double value) => double.IsNaN(value) ? 0 : (float)Math.Clamp(value, -Clip, Clip);

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
}
