using System.Globalization;
using System.Text.Json;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Import;

/// <summary>The access log formats <c>tandem forecast import --access-log</c> reads.</summary>
public enum AccessLogFormat
{
    /// <summary>Decide from the first non-empty line: <c>{</c> means JSON lines, anything else combined.</summary>
    Auto,

    /// <summary>Combined (or common) log format, the nginx and Apache default: <c>host - user [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 ...</c>.</summary>
    Combined,

    /// <summary>One JSON object per line with an ISO-8601 <c>time</c> (or <c>timestamp</c>) field, as Tandem's access log writes.</summary>
    Json,
}

/// <summary>
/// Counts the requests of an access log per hour. Only the timestamp of each line is read (not the request line): a
/// line is one request. Hours between the first and last request with no line count as zero (the log covered them);
/// the first and last hour are usually partial.
/// </summary>
public static class AccessLogImport
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static HourlySeries Read(TextReader input, AccessLogFormat format, ImportReport report)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hours = new Dictionary<long, double>();
        long lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            report.LinesRead++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty)
            {
                report.Skip(lineNumber, "empty line");
                continue;
            }
            if (format == AccessLogFormat.Auto)
            {
                format = text[0] == '{' ? AccessLogFormat.Json : AccessLogFormat.Combined;
            }
            DateTimeOffset? at;
            string? problem;
            if (format == AccessLogFormat.Json)
            {
                (at, problem) = JsonTime(line);
            }
            else
            {
                (at, problem) = CombinedTime(text);
            }
            if (at is null)
            {
                report.Skip(lineNumber, problem!);
                continue;
            }
            var hour = at.Value.ToUnixTimeSeconds() / 3600;
            hours[hour] = hours.GetValueOrDefault(hour) + 1;
        }
        var series = HourlyCsv.ToSeries(hours);
        for (var i = 0; i < series.Values.Length; i++)
        {
            if (double.IsNaN(series.Values[i]))
            {
                series.Values[i] = 0;
            }
        }
        return series;
    }

    /// <summary>The <c>[10/Oct/2000:13:55:36 -0700]</c> part of a combined log line, tolerant of spacing and a missing offset (UTC then).</summary>
    internal static (DateTimeOffset? At, string? Problem) CombinedTime(ReadOnlySpan<char> line)
    {
        var open = line.IndexOf('[');
        var close = open < 0 ? -1 : line[open..].IndexOf(']');
        if (open < 0 || close < 0)
        {
            return (null, "no [timestamp]");
        }
        var stamp = line.Slice(open + 1, close - 1).Trim();
        // dd/MMM/yyyy:HH:mm:ss[ +hhmm]
        var space = stamp.IndexOf(' ');
        var clock = space < 0 ? stamp : stamp[..space];
        var zone = space < 0 ? [] : stamp[(space + 1)..].Trim();
        Span<Range> parts = stackalloc Range[7];
        var count = SplitAny(clock, parts);
        if (count != 6
            || !Int(clock[parts[0]], out var day)
            || Month(clock[parts[1]]) is var month && month < 0
            || !Int(clock[parts[2]], out var year) || !Int(clock[parts[3]], out var hour) || !Int(clock[parts[4]], out var minute)
            || !Int(clock[parts[5]], out var second))
        {
            return (null, "bad timestamp");
        }
        var offset = TimeSpan.Zero;
        if (!zone.IsEmpty)
        {
            if (zone.Length != 5 || zone[0] is not ('+' or '-') || !Int(zone.Slice(1, 2), out var oh) || !Int(zone.Slice(3, 2), out var om) || oh > 14 || om > 59)
            {
                return (null, "bad time zone offset");
            }
            offset = new TimeSpan(oh, om, 0) * (zone[0] == '-' ? -1 : 1);
        }
        try
        {
            return (new DateTimeOffset(year, month + 1, day, hour, minute, second, offset), null);
        }
        catch (ArgumentOutOfRangeException)
        {
            return (null, "bad timestamp");
        }
    }

    internal static (DateTimeOffset? At, string? Problem) JsonTime(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "not a JSON object");
            }
            if (!document.RootElement.TryGetProperty("time", out var time) && !document.RootElement.TryGetProperty("timestamp", out time))
            {
                return (null, "no time or timestamp field");
            }
            if (time.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return (at, null);
            }
            return (null, "bad timestamp");
        }
        catch (JsonException)
        {
            return (null, "not valid JSON");
        }
    }

    private static int Month(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < Months.Length; i++)
        {
            if (name.Equals(Months[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private static int SplitAny(ReadOnlySpan<char> text, Span<Range> parts)
    {
        var count = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] is '/' or ':')
            {
                if (count == parts.Length)
                {
                    return -1;
                }
                parts[count++] = new Range(start, i);
                start = i + 1;
            }
        }
        return count;
    }

    private static bool Int(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
