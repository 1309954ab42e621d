using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Tandem.Proxy.Caching;

/// <summary>Reading a server's response headers, and which headers a stored response keeps.</summary>
internal static class ResponseHeaders
{
    /// <summary>Headers that belong to one connection or one exchange, or that Tandem sets itself: never stored, never replayed.</summary>
    private static readonly HashSet<string> NotStored = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.KeepAlive, HeaderNames.TransferEncoding, HeaderNames.Upgrade, HeaderNames.ProxyAuthenticate,
        HeaderNames.ProxyConnection, HeaderNames.TE, HeaderNames.Trailer, HeaderNames.SetCookie, "Set-Cookie2", CacheStage.XCacheHeader,
        Forwarding.RequestForwarder.ServerHeaderName, HeaderNames.ContentLength,
    };

    /// <summary>The headers not replayed from a stored response (recomputed per answer).</summary>
    public static bool Replayed(string name) => !NotStored.Contains(name) && !string.Equals(name, HeaderNames.Age, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <paramref name="name"/> in the server's response (its headers or its content's), joined; null without.</summary>
    public static string? Get(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            return values.ToString();
        }
        return response.Content.Headers.NonValidated.TryGetValues(name, out var content) ? content.ToString() : null;
    }

    public static bool Has(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name);

    /// <summary>The server's response headers as stored (a 304's, to update a stored response).</summary>
    public static KeyValuePair<string, string[]>[] Of(HttpResponseMessage response)
    {
        var list = new List<KeyValuePair<string, string[]>>();
        Add(list, response.Headers.NonValidated);
        Add(list, response.Content.Headers.NonValidated);
        return [.. list];
    }

    /// <summary>
    /// The client response's headers as stored: what the route would send, without what <see cref="NotStored"/> names and
    /// without <paramref name="alsoNot"/> (the route's own, rendered per answer).
    /// </summary>
    public static KeyValuePair<string, string[]>[] Of(IHeaderDictionary headers, HashSet<string>? alsoNot = null)
    {
        var list = new List<KeyValuePair<string, string[]>>(headers.Count);
        foreach (var (name, values) in headers)
        {
            if (!NotStored.Contains(name) && alsoNot?.Contains(name) != true)
            {
                list.Add(new(name, values.ToArray()!));
            }
        }
        return [.. list];
    }

    /// <summary>
    /// A stored response's headers updated by a 304's (RFC 9111 §3.2): each header the 304 carries replaces the stored
    /// one, except the body's own (<c>Content-Length</c>, <c>Content-Encoding</c>, <c>Content-Range</c>...).
    /// </summary>
    public static KeyValuePair<string, string[]>[] Update(KeyValuePair<string, string[]>[] stored, KeyValuePair<string, string[]>[] notModified)
    {
        var list = new List<KeyValuePair<string, string[]>>(stored.Length + notModified.Length);
        foreach (var header in stored)
        {
            if (!Contains(notModified, header.Key) || KeepsStored(header.Key))
            {
                list.Add(header);
            }
        }
        foreach (var header in notModified)
        {
            if (!KeepsStored(header.Key) && !NotStored.Contains(header.Key))
            {
                list.Add(header);
            }
        }
        return [.. list];
    }

    private static bool KeepsStored(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || NotStored.Contains(name);

    private static bool Contains(KeyValuePair<string, string[]>[] headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static void Add(List<KeyValuePair<string, string[]>> list, HttpHeadersNonValidated headers)
    {
        foreach (var (name, values) in headers)
        {
            var array = new string[values.Count];
            var i = 0;
            foreach (var value in values)
            {
                array[i++] = value;
            }
            list.Add(new(name, array));
        }
    }
}
