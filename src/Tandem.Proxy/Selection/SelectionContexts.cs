using Microsoft.AspNetCore.Http;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Selection;

/// <summary>
/// Builds the <see cref="SelectionContext"/> of a request: the client address, and for hashing pools the hash of the
/// configured key (<c>hash-key</c>). A missing header or cookie falls back to the client address, so such clients are
/// still sticky. Allocates nothing for the address or a header; reading a cookie parses the Cookie header once.
/// </summary>
internal static class SelectionContexts
{
    public static SelectionContext For(HttpContext context, PoolState pool)
    {
        var address = context.Connection.RemoteIpAddress;
        if (!pool.UsesHash)
        {
            return new SelectionContext(address);
        }
        var key = pool.Config.HashKey ?? HashKey.ClientAddress;
        return new SelectionContext(address, HashOf(context.Request, key) ?? ClientHash.Of(address));
    }

    /// <summary>The hash of the header or cookie named by <paramref name="key"/>; null when it is the address or absent.</summary>
    public static ulong? HashOf(HttpRequest request, HashKey key)
    {
        switch (key.Source)
        {
            case HashKeySource.Header:
                return HashOfHeader(request.Headers, key.Name!);
            case HashKeySource.Cookie:
                var cookie = request.Cookies[key.Name!];
                return string.IsNullOrEmpty(cookie) ? null : ClientHash.Of(cookie);
            default:
                return null;
        }
    }

    /// <summary>The hash of the first value of header <paramref name="name"/>; null when it is absent or empty.</summary>
    public static ulong? HashOfHeader(IHeaderDictionary headers, string name)
    {
        var values = headers[name];
        return values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? ClientHash.Of(values[0]) : null;
    }
}
