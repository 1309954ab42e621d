namespace Tandem.Forecasting.Models;

/// <summary>
/// Request counts per minute from <see cref="Start"/> (UTC, on the minute); <see cref="double.NaN"/> marks a minute with
/// no data. What <c>forecast simulate --resolution 1m</c> replays; the models learn from its hourly sums.
/// </summary>
public sealed record MinuteSeries(DateTimeOffset Start, double[] Values)
{
    /// <summary>An hour with fewer observed minutes than this is a gap in <see cref="ToHours"/>.</summary>
    public const int MinObservedMinutes = 45;

    public int Count => Values.Length;

    public DateTimeOffset MinuteAt(int index) => Start.AddMinutes(index);

    /// <summary>
    /// The hourly sums from the first whole hour. An hour with a few missing minutes is scaled up from the observed
    /// ones (a partial hour is not a dip in traffic); one with fewer than <see cref="MinObservedMinutes"/> is a gap.
    /// </summary>
    public HourlySeries ToHours()
    {
        var skip = (60 - Start.Minute) % 60;
        var hours = new double[Math.Max(0, (Count - skip) / 60)];
        for (var h = 0; h < hours.Length; h++)
        {
            var sum = 0.0;
            var observed = 0;
            for (var m = skip + (h * 60); m < skip + (h * 60) + 60; m++)
            {
                if (!double.IsNaN(Values[m]))
                {
                    sum += Values[m];
                    observed++;
                }
            }
            hours[h] = observed >= MinObservedMinutes ? sum * 60 / observed : double.NaN;
        }
        return new HourlySeries(Start.AddMinutes(skip), hours);
    }
}
