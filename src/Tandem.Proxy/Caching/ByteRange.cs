using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tandem.Proxy.Caching;

/// <summary>
/// A GET's <c>Range</c> against a stored full 200 (RFC 9110 §14): one satisfiable byte range (<c>bytes=a-b</c>,
/// <c>a-</c>, <c>-n</c>) is a 206 of that slice, a range past the end is a 416 with <c>Content-Range: bytes */LEN</c>.
/// Everything else answers the whole 200, as §14.2 allows: several ranges, another unit, a header that does not parse,
/// an <c>If-Range</c> that does not match the stored validator (strong comparison, or the exact <c>Last-Modified</c>).
/// Pure.
/// </summary>
internal static class ByteRange
{
    /// <summary>What to answer <paramref name="request"/> with from <paramref name="stored"/>: the whole body, a slice, or 416.</summary>
    public static RangeAnswer Evaluate(HttpRequest request, CachedResponse stored)
    {
        var header = request.Headers.Range;
        if (header.Count != 1 || stored.Status != StatusCodes.Status200OK || !HttpMethods.IsGet(request.Method) || !IfRangeHolds(request, stored))
        {
            return default;
        }
        var text = header[0].AsSpan().Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }
        var spec = text[6..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0 || spec.IndexOf(',') >= 0)
        {
            return default;
        }
        long length = stored.Body.Length;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // A suffix: the last n bytes; zero of them, or of an empty body, is unsatisfiable.
            if (!Number(last, out var suffix))
            {
                return default;
            }
            return suffix == 0 || length == 0 ? RangeAnswer.Unsatisfiable : RangeAnswer.Slice(Math.Max(0, length - suffix), Math.Min(suffix, length));
        }
        if (!Number(first, out var start))
        {
            return default;
        }
        long end;
        if (last.Length == 0)
        {
            end = length - 1;
        }
        else if (!Number(last, out end) || end < start)
        {
            return default;
        }
        if (start >= length)
        {
            return RangeAnswer.Unsatisfiable;
        }
        end = Math.Min(end, length - 1);
        return RangeAnswer.Slice(start, end - start + 1);
    }

    /// <summary><c>If-Range</c> absent, or naming the stored response by a strong entity tag or its exact <c>Last-Modified</c> date (§13.1.5).</summary>
    private static bool IfRangeHolds(HttpRequest request, CachedResponse stored)
    {
        var ifRange = request.Headers.IfRange;
        if (ifRange.Count == 0)
        {
            return true;
        }
        var value = ifRange.ToString().Trim();
        if (value.StartsWith('"'))
        {
            return stored.ETag is { } etag && !etag.StartsWith("W/", StringComparison.Ordinal) && string.Equals(value, etag, StringComparison.Ordinal);
        }
        return stored.Header(HeaderNames.LastModified) is { } modified && HeaderUtilities.TryParseDate(value, out var date)
            && stored.LastModified == date && string.Equals(value, modified.Trim(), StringComparison.Ordinal);
    }

    private static bool Number(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 18)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>How <see cref="ByteRange.Evaluate"/> answers: the whole response (default), a 206 slice or a 416.</summary>
internal readonly record struct RangeAnswer(RangeKind Kind, long Start, long Length)
{
    public static readonly RangeAnswer Unsatisfiable = new(RangeKind.Unsatisfiable, 0, 0);

    public static RangeAnswer Slice(long start, long length) => new(RangeKind.Partial, start, length);
}

internal enum RangeKind
{
    Whole,
    Partial,
    Unsatisfiable,
}
