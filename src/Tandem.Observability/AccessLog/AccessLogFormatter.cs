using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Config;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;

namespace Tandem.Observability.AccessLog;

/// <summary>
/// Turns entries into UTF-8 lines on the writer thread: JSON lines (one object per line, fields documented in the
/// README) or nginx's combined format. Concurrency: one instance per writer thread.
/// </summary>
internal sealed class AccessLogFormatter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly AccessLogFormat _format;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;

    // The formatted second changes once a second at most: formatted once per second, as nginx caches its time strings.
    private long _isoSecond = -1;
    private long _localSecond = -1;
    private readonly byte[] _iso = new byte[24];
    private readonly byte[] _local = new byte[26];

    public AccessLogFormatter(AccessLogFormat format)
    {
        _format = format;
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
    }

    /// <summary>The lines formatted since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Lines => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    public void Clear() => _buffer.ResetWrittenCount();

    public void Append(in AccessLogEntry entry)
    {
        if (_format == AccessLogFormat.Combined)
        {
            AppendCombined(entry);
        }
        else
        {
            AppendJson(entry);
        }
    }

    /// <summary>Formats one entry as a string (tests).</summary>
    public static string Format(in AccessLogEntry entry, AccessLogFormat format)
    {
        using var formatter = new AccessLogFormatter(format);
        formatter.Append(entry);
        return Encoding.UTF8.GetString(formatter.Lines);
    }

    public void Dispose() => _json.Dispose();

    private void AppendJson(in AccessLogEntry e)
    {
        var json = _json;
        json.Reset(_buffer);
        json.WriteStartObject();
        Span<char> scratch = stackalloc char[64];
        json.WriteString("time"u8, IsoTime(e.Time));
        if (e.Client is { } client)
        {
            json.WriteString("client"u8, scratch[..FormatIp(client, scratch)]);
        }
        else
        {
            json.WriteNull("client"u8);
        }
        json.WriteString("method"u8, e.Method);
        WriteOptional(json, "host"u8, e.Host);
        json.WriteString("path"u8, e.Path);
        if (e.Query.Length > 1)
        {
            json.WriteString("query"u8, e.Query.AsSpan(1));
        }
        json.WriteString("protocol"u8, e.Protocol);
        json.WriteNumber("status"u8, e.Status);
        if (e.Server is null)
        {
            json.WriteNull("server"u8);
        }
        else
        {
            json.WriteString("server"u8, e.Server);
        }
        json.WriteString("pool"u8, e.Pool);
        json.WriteString("listener"u8, e.Listener);
        if (e.Route is null)
        {
            json.WriteNull("route"u8);
        }
        else
        {
            json.WriteString("route"u8, e.Route);
        }
        json.WriteNumber("attempts"u8, e.Attempts);
        Span<byte> number = stackalloc byte[32];
        json.WritePropertyName("duration_ms"u8);
        json.WriteRawValue(number[..FormatMilliseconds(e.TotalMs, number)], skipInputValidation: true);
        json.WritePropertyName("upstream_ms"u8);
        json.WriteRawValue(number[..FormatMilliseconds(e.UpstreamMs, number)], skipInputValidation: true);
        json.WriteNumber("bytes_in"u8, e.BytesIn);
        json.WriteNumber("bytes_out"u8, e.BytesOut);
        WriteOptional(json, "user_agent"u8, e.UserAgent);
        WriteOptional(json, "referer"u8, e.Referer);
        if (e.Error == RequestError.None)
        {
            json.WriteNull("error"u8);
        }
        else
        {
            json.WriteString("error"u8, RequestErrors.Name(e.Error));
        }
        // Present only on a refusal, so lines of admitted requests keep their shape.
        if (e.Policy is not null)
        {
            json.WriteString("policy"u8, e.Policy);
            json.WriteString("reason"u8, e.PolicyReason);
        }
        // Present only on a caching route's requests: HIT, MISS, STALE, REVALIDATED or BYPASS.
        if (e.Cache != CacheOutcome.None)
        {
            json.WriteString("cache"u8, CacheOutcomes.Name(e.Cache));
        }
        json.WriteEndObject();
        json.Flush();
        _buffer.Write("\n"u8);
    }

    private static void WriteOptional(Utf8JsonWriter json, ReadOnlySpan<byte> name, StringValues value)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            json.WriteNull(name);
        }
        else if (value.Count == 1)
        {
            json.WriteString(name, value[0]);
        }
        else
        {
            json.WriteString(name, value.ToString());
        }
    }

    /// <summary><c>$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$route"</c>.</summary>
    private void AppendCombined(in AccessLogEntry e)
    {
        Span<char> scratch = stackalloc char[64];
        if (e.Client is { } client)
        {
            AppendAscii(scratch[..FormatIp(client, scratch)]);
        }
        else
        {
            AppendAscii("-");
        }
        AppendAscii(" - - [");
        _buffer.Write(LocalTime(e.Time));
        AppendAscii("] \"");
        AppendEscaped(e.Method);
        AppendAscii(" ");
        AppendEscaped(e.Path);
        AppendEscaped(e.Query);
        AppendAscii(" ");
        AppendEscaped(e.Protocol);
        AppendAscii("\" ");
        AppendNumber(e.Status);
        AppendAscii(" ");
        AppendNumber(e.BytesOut);
        AppendAscii(" \"");
        AppendHeader(e.Referer);
        AppendAscii("\" \"");
        AppendHeader(e.UserAgent);
        // The route, quoted after the user agent as nginx configs append variables ("$route"); parsers of the
        // combined format read up to the user agent and ignore what follows.
        AppendAscii("\" \"");
        AppendEscaped(e.Route ?? "-");
        AppendAscii("\"\n");
    }

    private void AppendHeader(StringValues value)
    {
        if (StringValues.IsNullOrEmpty(value))
        {
            AppendAscii("-");
        }
        else
        {
            AppendEscaped(value.Count == 1 ? value[0]! : value.ToString());
        }
    }

    /// <summary>As nginx escapes variables in its log: <c>"</c>, <c>\</c>, control and non-ASCII bytes as <c>\xHH</c>.</summary>
    private void AppendEscaped(string text)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        Span<byte> utf8 = bytes <= 512 ? stackalloc byte[bytes] : new byte[bytes];
        Encoding.UTF8.GetBytes(text, utf8);
        foreach (var b in utf8)
        {
            if (b is (byte)'"' or (byte)'\\' || b < 0x20 || b >= 0x7f)
            {
                var span = _buffer.GetSpan(4);
                span[0] = (byte)'\\';
                span[1] = (byte)'x';
                span[2] = (byte)"0123456789ABCDEF"[b >> 4];
                span[3] = (byte)"0123456789ABCDEF"[b & 0xF];
                _buffer.Advance(4);
            }
            else
            {
                _buffer.GetSpan(1)[0] = b;
                _buffer.Advance(1);
            }
        }
    }

    private void AppendAscii(ReadOnlySpan<char> text)
    {
        var span = _buffer.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }
        _buffer.Advance(text.Length);
    }

    private void AppendNumber(long value)
    {
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _buffer.Advance(written);
    }

    /// <summary>ISO-8601 UTC with milliseconds: <c>2026-11-25T08:30:00.123Z</c>.</summary>
    private ReadOnlySpan<byte> IsoTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        if (second != _isoSecond)
        {
            _isoSecond = second;
            utc.TryFormat(_iso, out _, "yyyy-MM-dd'T'HH:mm:ss.", CultureInfo.InvariantCulture);
            _iso[23] = (byte)'Z';
        }
        var millis = utc.Millisecond;
        _iso[20] = (byte)('0' + (millis / 100));
        _iso[21] = (byte)('0' + (millis / 10 % 10));
        _iso[22] = (byte)('0' + (millis % 10));
        return _iso;
    }

    /// <summary>nginx's <c>$time_local</c> (<c>25/Nov/2026:08:30:00 +0000</c>), in UTC.</summary>
    private ReadOnlySpan<byte> LocalTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var second = utc.Ticks / TimeSpan.TicksPerSecond;
        if (second != _localSecond)
        {
            _localSecond = second;
            System.Text.Unicode.Utf8.TryWrite(_local, CultureInfo.InvariantCulture,
                $"{utc.Day:00}/{Months[utc.Month - 1]}/{utc.Year:0000}:{utc.Hour:00}:{utc.Minute:00}:{utc.Second:00} +0000", out _);
        }
        return _local;
    }

    /// <summary>Milliseconds with up to three decimals (microseconds), without the cost of shortest-round-trip doubles.</summary>
    private static int FormatMilliseconds(double milliseconds, Span<byte> destination)
    {
        var micros = (long)Math.Round(Math.Max(0, milliseconds) * 1000);
        Utf8Formatter.TryFormat(micros / 1000, destination, out var written);
        var fraction = (int)(micros % 1000);
        if (fraction == 0)
        {
            return written;
        }
        destination[written++] = (byte)'.';
        destination[written++] = (byte)('0' + (fraction / 100));
        destination[written++] = (byte)('0' + (fraction / 10 % 10));
        destination[written++] = (byte)('0' + (fraction % 10));
        while (destination[written - 1] == (byte)'0')
        {
            written--;
        }
        return written;
    }

    private static int FormatIp(IPAddress address, Span<char> destination)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        address.TryFormat(destination, out var written);
        return written;
    }
}
