using System.Globalization;

namespace Tandem.Forecasting.Models;

/// <summary>
/// Reads hourly request counts in the <c>timestamp_utc,requests</c> format of <c>shared/data/traffic/*.csv</c>:
/// a header line, then one line per UTC hour (ISO 8601, on the hour, increasing). An empty count and an hour missing
/// between two lines are gaps (<see cref="double.NaN"/>), never zeros.
/// </summary>
public static class HourlyCsv
{
    /// <summary>At most ten years of hours: a mistyped year must not allocate gigabytes of gaps.</summary>
    public const int MaxHours = 10 * 366 * 24;

    /// <summary>Reads <paramref name="path"/>; throws <see cref="HourlyCsvException"/> naming the file and line of the first bad line.</summary>
    public static HourlySeries Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new HourlyCsvException($"{path}: cannot read: {e.Message}", e);
        }
        using var reader = new StringReader(text);
        return Parse(reader, path);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> prefixes every error message (<c>source:line: problem</c>).</summary>
    public static HourlySeries Parse(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine();
        if (header is null || !header.Trim().Equals("timestamp_utc,requests", StringComparison.OrdinalIgnoreCase))
        {
            throw new HourlyCsvException($"{source}:1: expected the header 'timestamp_utc,requests', got '{header ?? "(empty file)"}'");
        }
        var values = new List<double>();
        DateTimeOffset? start = null;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var (hour, value) = ParseLine(line, source, lineNumber);
            if (start is null)
            {
                start = hour;
                values.Add(value);
                continue;
            }
            var index = (hour - start.Value).TotalHours;
            if (index < values.Count)
            {
                throw new HourlyCsvException(
                    $"{source}:{lineNumber}: hour {Format(hour)} is not after the previous line's {Format(start.Value.AddHours(values.Count - 1))}");
            }
            if (index > MaxHours)
            {
                throw new HourlyCsvException($"{source}:{lineNumber}: hour {Format(hour)} is more than {MaxHours} hours after the first line's {Format(start.Value)}");
            }
            while (values.Count < index)
            {
                values.Add(double.NaN);
            }
            values.Add(value);
        }
        if (start is null)
        {
            throw new HourlyCsvException($"{source}: no data lines after the header");
        }
        return new HourlySeries(start.Value, [.. values]);
    }

    private static (DateTimeOffset Hour, double Value) ParseLine(string line, string source, int lineNumber)
    {
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || line.IndexOf(',', comma + 1) >= 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: expected 2 fields 'timestamp_utc,requests', got '{line}'");
        }
        var stamp = line[..comma].Trim();
        if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var hour))
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: bad timestamp '{stamp}' (expected ISO 8601 UTC, e.g. 1995-07-01T04:00:00Z)");
        }
        if (hour.Minute != 0 || hour.Second != 0 || hour.Millisecond != 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: timestamp '{stamp}' is not on the hour");
        }
        var count = line[(comma + 1)..].Trim();
        if (count.Length == 0)
        {
            return (hour, double.NaN);
        }
        if (!double.TryParse(count, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: bad request count '{count}' (expected a number >= 0 or empty for a gap)");
        }
        return (hour, value);
    }

    private static string Format(DateTimeOffset hour) => hour.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
