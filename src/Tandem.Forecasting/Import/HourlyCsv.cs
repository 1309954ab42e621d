using System.Globalization;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Import;

/// <summary>
/// Reads request counts in the <c>timestamp_utc,requests</c> format of <c>shared/data/traffic/*.csv</c>, one line per
/// UTC hour (or per minute, <see cref="ReadMinutes"/>). An empty count and a step missing between two lines are gaps
/// (<see cref="double.NaN"/>), never zeros. Two modes:
/// <list type="bullet">
/// <item>strict (<see cref="Read(string)"/>, <see cref="Parse"/>): for models and replays; the header is required,
/// steps increase, and the first bad line throws <see cref="HourlyCsvException"/> naming the file and line;</item>
/// <item>tolerant (<see cref="ReadTolerant"/>): for <c>tandem forecast import</c> of files from elsewhere; the header is
/// optional, lines may come in any order (a repeated hour keeps the last), and bad lines are skipped and counted in an
/// <see cref="ImportReport"/>.</item>
/// </list>
/// </summary>
public static class HourlyCsv
{
    public const string Header = "timestamp_utc,requests";

    /// <summary>At most ten years of hours: a mistyped year must not allocate gigabytes of gaps.</summary>
    public const int MaxHours = 10 * 366 * 24;

    /// <summary>At most a year of minutes.</summary>
    public const int MaxMinutes = 366 * 24 * 60;

    /// <summary>Strict: reads an hourly file.</summary>
    public static HourlySeries Read(string path)
    {
        var (start, values) = ReadStrict(path, TimeSpan.FromHours(1));
        return new HourlySeries(start, values);
    }

    /// <summary>Strict: reads a per-minute file.</summary>
    public static MinuteSeries ReadMinutes(string path)
    {
        var (start, values) = ReadStrict(path, TimeSpan.FromMinutes(1));
        return new MinuteSeries(start, values);
    }

    /// <summary>Strict: parses hourly CSV text; <paramref name="source"/> prefixes every error message (<c>source:line: problem</c>).</summary>
    public static HourlySeries Parse(TextReader reader, string source)
    {
        var (start, values) = StrictCsv.Parse(reader, source, TimeSpan.FromHours(1), MaxHours);
        return new HourlySeries(start, values);
    }

    /// <summary>Tolerant: reads hourly lines, skipping (and counting in <paramref name="report"/>) what it cannot use.</summary>
    public static HourlySeries ReadTolerant(TextReader input, ImportReport report)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(report);
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
            var comma = text.IndexOf(',', StringComparison.Ordinal);
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
            var value = double.NaN;
            if (count.Length > 0 && (!double.TryParse(count, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || value < 0 || double.IsNaN(value)))
            {
                report.Skip(lineNumber, "bad request count");
                continue;
            }
            hours[at.ToUnixTimeSeconds() / 3600] = value;
        }
        return ToSeries(hours);
    }

    /// <summary>Tolerant: reads an hourly file (see <see cref="ReadTolerant"/>).</summary>
    public static HourlySeries ReadTolerantFile(string path, ImportReport report)
    {
        using var reader = new StreamReader(path);
        return ReadTolerant(reader, report);
    }

    /// <summary>Hours (Unix hours) to a contiguous series from the first to the last, missing hours NaN.</summary>
    public static HourlySeries ToSeries(IReadOnlyDictionary<long, double> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
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

    private static (DateTimeOffset Start, double[] Values) ReadStrict(string path, TimeSpan step)
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
        return StrictCsv.Parse(reader, path, step, step == TimeSpan.FromHours(1) ? MaxHours : MaxMinutes);
    }
}
