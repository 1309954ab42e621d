using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Tandem.Proxy.Caching;

/// <summary>
/// One stored response (RFC 9111 §3): status, end-to-end headers, body, when it was requested and received, the
/// request header values its <c>Vary</c> selected, and its tags. A "vary marker" (<see cref="IsVaryMarker"/>) stands
/// under a primary key whose responses vary: it holds only the header names, and the responses are under the variant
/// keys. Immutable, so one instance is served to many requests at once.
/// </summary>
internal sealed class CachedResponse
{
    /// <summary>What an object costs beyond its body and headers (the object, its dictionary slot), for the memory bound.</summary>
    private const int Overhead = 256;

    public CachedResponse(int status, KeyValuePair<string, string[]>[] headers, byte[] body, DateTimeOffset requestTime, DateTimeOffset responseTime,
        string[] varyNames, string[] varyValues, string[] tags)
    {
        Status = status;
        Headers = headers;
        Body = body;
        RequestTime = requestTime;
        ResponseTime = responseTime;
        VaryNames = varyNames;
        VaryValues = varyValues;
        Tags = tags;
        Directives = CacheDirectives.Parse(Header(HeaderNames.CacheControl));
        Date = HttpDate(Header(HeaderNames.Date)) ?? responseTime;
        Expires = Header(HeaderNames.Expires) is { Length: > 0 } expires ? HttpDate(expires) ?? DateTimeOffset.MinValue : null;
        LastModified = HttpDate(Header(HeaderNames.LastModified));
        ETag = Header(HeaderNames.ETag) is { Length: > 0 } etag ? etag : null;
        var ageValue = long.TryParse(Header(HeaderNames.Age), NumberStyles.None, CultureInfo.InvariantCulture, out var age) ? TimeSpan.FromSeconds(age) : TimeSpan.Zero;
        // RFC 9111 §4.2.3: the age the response had when it arrived.
        var apparentAge = Max(TimeSpan.Zero, responseTime - Date);
        var correctedAgeValue = ageValue + (responseTime - requestTime);
        InitialAge = Max(apparentAge, correctedAgeValue);
        long size = Overhead + body.Length;
        foreach (var (name, values) in headers)
        {
            size += name.Length;
            foreach (var value in values)
            {
                size += value.Length;
            }
        }
        Size = size;
    }

    /// <summary>A marker for a primary key whose responses vary by <paramref name="varyNames"/>.</summary>
    public static CachedResponse VaryMarker(string[] varyNames, DateTimeOffset now) => new(0, [], [], now, now, varyNames, [], []);

    public int Status { get; }
    public KeyValuePair<string, string[]>[] Headers { get; }
    public byte[] Body { get; }
    public DateTimeOffset RequestTime { get; }
    public DateTimeOffset ResponseTime { get; }

    /// <summary>The request headers named by the response's <c>Vary</c>, lower-case, in order.</summary>
    public string[] VaryNames { get; }

    /// <summary>The request's values of <see cref="VaryNames"/> when it was stored, normalized (<see cref="CacheKeys.VaryValue"/>).</summary>
    public string[] VaryValues { get; }
    public string[] Tags { get; }
    public CacheDirectives Directives { get; }
    public DateTimeOffset Date { get; }

    /// <summary>The <c>Expires</c> time; <see cref="DateTimeOffset.MinValue"/> for an invalid one (already expired); null without.</summary>
    public DateTimeOffset? Expires { get; }
    public DateTimeOffset? LastModified { get; }
    public string? ETag { get; }
    public TimeSpan InitialAge { get; }

    /// <summary>Bytes counted against the memory tier.</summary>
    public long Size { get; }

    public bool IsVaryMarker => Status == 0;

    /// <summary>The response's age now (RFC 9111 §4.2.3).</summary>
    public TimeSpan AgeAt(DateTimeOffset now) => InitialAge + Max(TimeSpan.Zero, now - ResponseTime);

    /// <summary>The first value of header <paramref name="name"/>, or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, values) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return values.Length == 0 ? null : values.Length == 1 ? values[0] : string.Join(", ", values);
            }
        }
        return null;
    }

    private static DateTimeOffset? HttpDate(string? text) =>
        text is not null && HeaderUtilities.TryParseDate(text, out var value) ? value : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
