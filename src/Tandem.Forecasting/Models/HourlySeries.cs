namespace Tandem.Forecasting.Models;

/// <summary>
/// Hourly request counts from <see cref="Start"/> (UTC, on the hour), one value per hour.
/// <see cref="double.NaN"/> marks an hour with no data (an outage or a gap in an import): neither an input nor a target.
/// </summary>
public sealed record HourlySeries(DateTimeOffset Start, double[] Values)
{
    public int Count => Values.Length;

    public DateTimeOffset HourAt(int index) => Start.AddHours(index);
}
