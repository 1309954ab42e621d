using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Tandem.Proxy.Compression;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Caching;

/// <summary>
/// Cache keys. A primary key is the request's absolute URI, normalized so one resource has one key: scheme and host
/// lower-case, the default port and a trailing dot dropped, the path as Kestrel decoded it (percent-encoding and dot
/// segments resolved) with runs of '/' merged as routes see it (<see cref="RouteTable.MatchPath"/>), the query as
/// written. A variant's key is the primary key, <see cref="VariantSeparator"/>, and the request's normalized values
/// of the response's <c>Vary</c> headers. Purges rely on this shape (a key purge removes the primary and every
/// <c>primary + separator</c> key), in both tiers.
/// </summary>
internal static class CacheKeys
{
    public const char VariantSeparator = '\u001F';

    private const char ValueSeparator = '\u001E';

    public static string Primary(HttpRequest request) => Primary(request.Scheme, request.Headers.Host, request.PathBase + request.Path, request.QueryString.Value);

    public static string Primary(string scheme, string? hostHeader, PathString path, string? query)
    {
        var builder = new StringBuilder(64);
        builder.Append(scheme.ToLowerInvariant()).Append("://");
        var host = hostHeader ?? "";
        var port = "";
        var colon = host.LastIndexOf(':');
        if (colon >= 0 && host.IndexOf(']', colon) < 0)
        {
            port = host[(colon + 1)..];
            host = host[..colon];
        }
        if (host.Length > 1 && host[^1] == '.')
        {
            host = host[..^1];
        }
        builder.Append(host.ToLowerInvariant());
        var defaultPort = string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? "443" : "80";
        if (port.Length > 0 && port != defaultPort)
        {
            builder.Append(':').Append(port);
        }
        builder.Append(RouteTable.MatchPath(path.Value));
        builder.Append(query);
        return builder.ToString();
    }

    /// <summary>
    /// The key of an absolute URL an operator wrote (a purge): normalized as a request for it would be; a value that is
    /// not an absolute http(s) URL is taken as written.
    /// </summary>
    public static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return url;
        }
        var authority = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Primary(uri.Scheme, authority, new PathString(Uri.UnescapeDataString(uri.AbsolutePath)), uri.Query);
    }

    /// <summary>The key of the variant <paramref name="request"/> selects among responses that vary by <paramref name="varyNames"/>.</summary>
    public static string Variant(string primary, string[] varyNames, HttpRequest request) => Variant(primary, VaryValues(varyNames, request));

    public static string Variant(string primary, string[] varyValues) =>
        primary + VariantSeparator + string.Join(ValueSeparator, varyValues);

    public static string[] VaryValues(string[] varyNames, HttpRequest request)
    {
        var values = new string[varyNames.Length];
        for (var i = 0; i < varyNames.Length; i++)
        {
            values[i] = VaryValue(varyNames[i], request.Headers[varyNames[i]]);
        }
        return values;
    }

    /// <summary>
    /// A request header's value as variants compare it: the values joined and trimmed; <c>Accept-Encoding</c> reduced to
    /// the one coding it selects among those a response is stored in (br, gzip, identity; by weight, brotli on a tie, as
    /// Tandem's own compression chooses), so the many ways browsers write it share three variants.
    /// </summary>
    public static string VaryValue(string name, StringValues value)
    {
        if (string.Equals(name, "accept-encoding", StringComparison.OrdinalIgnoreCase))
        {
            return ContentCodings.Choose(value) switch
            {
                ContentCoding.Brotli => "br",
                ContentCoding.Gzip => "gzip",
                _ => "identity",
            };
        }
        return value.Count switch
        {
            0 => "",
            1 => value[0]?.Trim() ?? "",
            _ => string.Join(",", value.ToArray()).Trim(),
        };
    }

    /// <summary>The response's <c>Vary</c> names, lower-case; null for <c>Vary: *</c> (never served from cache).</summary>
    public static string[]? VaryNames(StringValues vary)
    {
        var names = new List<string>();
        foreach (var value in vary)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var range in value.AsSpan().Split(','))
            {
                var name = value.AsSpan()[range].Trim();
                if (name.Length == 0)
                {
                    continue;
                }
                if (name is "*")
                {
                    return null;
                }
                var lower = name.ToString().ToLowerInvariant();
                if (!names.Contains(lower))
                {
                    names.Add(lower);
                }
            }
        }
        return [.. names];
    }

    /// <summary>The tags of a response: its tag header's values, split on commas and spaces.</summary>
    public static string[] Tags(StringValues header)
    {
        if (header.Count == 0)
        {
            return [];
        }
        var tags = new List<string>();
        foreach (var value in header)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var tag in value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                tags.Add(tag);
            }
        }
        return [.. tags];
    }

    /// <summary>The <c>ETag</c> and <c>Last-Modified</c> header names, for the revalidation request.</summary>
    public static readonly string[] ConditionalHeaders = [HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfMatch, HeaderNames.IfUnmodifiedSince, HeaderNames.IfRange];
}
