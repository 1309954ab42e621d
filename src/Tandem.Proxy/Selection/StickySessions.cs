using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Selection;

namespace Tandem.Proxy.Selection;

/// <summary>
/// The HTTP side of session affinity (<c>pools[].sticky</c>): reading a client's cookie or key from the request, setting
/// Tandem's cookie on the response, and finding the key a response issued. Which server a client stays on is Core's
/// rule (<see cref="StickySelection"/>). Pools without <c>sticky</c> pay one null check. Cookie mode parses the Cookie
/// header once per request; table mode allocates only when it remembers a new client.
/// </summary>
internal static class StickySessions
{
    /// <summary>Binds the request to the server its client is stuck to, if that server may still take it.</summary>
    public static void Find(HttpContext context, PoolState pool, SelectionState selection, TimeProvider time)
    {
        if (pool.StickyCookie is { } cookie)
        {
            var token = context.Request.Cookies[cookie.Name];
            if (!string.IsNullOrEmpty(token))
            {
                StickySelection.FromCookie(pool, selection, token);
            }
            return;
        }
        if (pool.StickyTable is { } table && KeyOf(context, table.Key) is { } key)
        {
            StickySelection.FromTable(pool, selection, key, time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    /// <summary>Cookie mode: the <c>Set-Cookie</c> for a request that did not go where its cookie said (or had none).</summary>
    public static void SetCookie(HttpContext context, PoolState pool, ServerState server, SelectionState selection)
    {
        if (pool.StickyCookie is { } cookie && !ReferenceEquals(server, selection.StuckTo) && cookie.SetCookieFor(server) is { } value)
        {
            context.Response.Headers.Append(HeaderNames.SetCookie, value);
        }
    }

    /// <summary>
    /// Table mode, after a request was answered by <paramref name="server"/>: remembers the client there, by the key the
    /// request carried or, for a header or cookie key it did not carry yet, by the one the response issued.
    /// </summary>
    public static void Learn(HttpContext context, PoolState pool, SelectionState selection, ServerState server, TimeProvider time)
    {
        if (!StickySelection.Learns(pool, selection, server))
        {
            return;
        }
        if ((selection.StickyKey ?? KeyFromResponse(context.Response, pool.StickyTable!.Key)) is { } key)
        {
            StickySelection.Remember(pool, server, key, time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    private static ulong? KeyOf(HttpContext context, HashKey key) =>
        key.Source == HashKeySource.ClientAddress
            ? context.Connection.RemoteIpAddress is { } address ? ClientHash.Of(address) : null
            : SelectionContexts.HashOf(context.Request, key);

    private static ulong? KeyFromResponse(HttpResponse response, HashKey key)
    {
        switch (key.Source)
        {
            case HashKeySource.Header:
                return SelectionContexts.HashOfHeader(response.Headers, key.Name!);
            case HashKeySource.Cookie:
                foreach (var header in response.Headers.SetCookie)
                {
                    if (SetCookieHeaderValue.TryParse(header, out var cookie) && cookie.Name.Equals(key.Name, StringComparison.Ordinal)
                        && cookie.Value.Length > 0)
                    {
                        return ClientHash.Of(cookie.Value.AsSpan());
                    }
                }
                return null;
            default:
                return null;
        }
    }
}
