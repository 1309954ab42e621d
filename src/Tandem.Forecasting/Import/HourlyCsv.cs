using System.Globalization;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Import;

/// <summary>
/// Reads an hourly CSV <c>timestamp_utc,requests</c> (header optional): one row per hour, timestamps ISO-8601 in UTC
/// on the hour. An empty <c>requests</c> cell and an hour without a row are gaps (NaN). Rows may come in any order;
/// a repeated hour keeps the last row.
/// </summary>
public static class HourlyCsv
{
    public static HourlySeries Read(TextReader input, ImportReport report)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hours = new SortedDictionary<long, double>();
        long lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            report.LinesRead++;
            var text = line.Trim();
            if (text.Length == 0)
            {
                report.Skip(lineNumber, "empty line");
                continue;
            }
            var comma = text.IndexOf(',');
            if (comma < 0)
            {
                report.Skip(lineNumber, "expected timestamp_utc,requests");
                continue;
            }
            var stamp = text[..comma].Trim();
            var count = text[(comma + 1)..].Trim();
            if (lineNumber == 1 && !char.IsAsciiDigit(stamp.FirstOrDefault()))
            {
                report.Skip(lineNumber, "header");
                continue;
            }
            if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                report.Skip(lineNumber, "bad timestamp");
                continue;
            }
            if (at.UtcTicks % TimeSpan.TicksPerHour != 0)
            {
                report.Skip(lineNumber, "timestamp not on the hour");
                continue;
            }
            double value = double.NaN;
            if (count.Length > 0 && (!double.TryParse(count, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || value < 0 || double.IsNaN(value)))
            {
                report.Skip(lineNumber, "bad request count");
                continue;
            }
            hours[at.ToUnixTimeSeconds() / 3600] = value;
        }
        return ToSeries(hours);
    }

    public static HourlySeries ReadFile(string path, ImportReport report)
    {
        using var reader = new StreamReader(path);
        return Read(reader, report);
    }

    /// <summary>Hours (Unix hours) to a contiguous series from the first to the last, missing hours NaN.</summary>
    public static HourlySeries ToSeries(IReadOnlyDictionary<long, double> hours)
    {
        if (hours.Count == 0)
        {
            return new HourlySeries(DateTimeOffset.UnixEpoch, []);
        }
        var first = hours.Keys.Min();
        var last = hours.Keys.Max();
        var values = new double[last - first + 1];
        Array.Fill(values, double.NaN);
        foreach (var (hour, value) in hours)
        {
            values[hour - first] = value;
        }
        return new HourlySeries(DateTimeOffset.FromUnixTimeSeconds(first * 3600), values);
    }
}
