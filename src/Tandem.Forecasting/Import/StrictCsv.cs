using System.Globalization;

namespace Tandem.Forecasting.Import;

/// <summary>The strict mode of <see cref="HourlyCsv"/> at any step (an hour or a minute): header required, steps increasing.</summary>
internal static class StrictCsv
{
    public static (DateTimeOffset Start, double[] Values) Parse(TextReader reader, string source, TimeSpan step, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var unit = step == TimeSpan.FromHours(1) ? "hour" : "minute";
        var header = reader.ReadLine();
        if (header is null || !header.Trim().Equals(HourlyCsv.Header, StringComparison.OrdinalIgnoreCase))
        {
            throw new HourlyCsvException($"{source}:1: expected the header '{HourlyCsv.Header}', got '{header ?? "(empty file)"}'");
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
            var (at, value) = ParseLine(line, source, lineNumber, step, unit);
            if (start is null)
            {
                start = at;
                values.Add(value);
                continue;
            }
            var index = (at - start.Value) / step;
            if (index < values.Count)
            {
                throw new HourlyCsvException(
                    $"{source}:{lineNumber}: {unit} {Format(at)} is not after the previous line's {Format(start.Value + (step * (values.Count - 1)))}");
            }
            if (index > maxSteps)
            {
                throw new HourlyCsvException($"{source}:{lineNumber}: {unit} {Format(at)} is more than {maxSteps} {unit}s after the first line's {Format(start.Value)}");
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
        return (start.Value, [.. values]);
    }

    private static (DateTimeOffset At, double Value) ParseLine(string line, string source, int lineNumber, TimeSpan step, string unit)
    {
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || line.IndexOf(',', comma + 1) >= 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: expected 2 fields '{HourlyCsv.Header}', got '{line}'");
        }
        var stamp = line[..comma].Trim();
        if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: bad timestamp '{stamp}' (expected ISO 8601 UTC, e.g. 1995-07-01T04:00:00Z)");
        }
        if (at.UtcTicks % step.Ticks != 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: timestamp '{stamp}' is not on the {unit}");
        }
        var count = line[(comma + 1)..].Trim();
        if (count.Length == 0)
        {
            return (at, double.NaN);
        }
        if (!double.TryParse(count, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw new HourlyCsvException($"{source}:{lineNumber}: bad request count '{count}' (expected a number >= 0 or empty for a gap)");
        }
        return (at, value);
    }

    private static string Format(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
