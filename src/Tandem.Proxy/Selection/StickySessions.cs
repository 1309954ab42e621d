using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Proxy.Selection;

/// <summary>
/// Session affinity on the request path (<c>pools[].sticky</c>). Cookie mode reads Tandem's cookie and sets it when
/// the request went elsewhere than it named; table mode looks the client's key up in the pool's
/// <see cref="StickyTable"/> and remembers where a client went. A remembered server that can no longer keep the
/// client (<see cref="PoolState.KeepsSticky"/>) is ignored and the request is balanced afresh.
/// Pools without <c>sticky</c> pay one null check. Cookie mode parses the Cookie header once per request; table mode
/// allocates only when it remembers a new client.
/// </summary>
internal static class StickySessions
{
    /// <summary>The server this request's client is stuck to, if it may still take it; null otherwise.</summary>
    /// <param name="context">The request.</param>
    /// <param name="pool">The listener's pool.</param>
    /// <param name="time">The clock (table entries are stamped in Unix ms).</param>
    /// <param name="key">Table mode: the hash of the client key, when the request carries one.</param>
    /// <param name="hasKey">Whether <paramref name="key"/> is set.</param>
    public static ServerState? Find(HttpContext context, PoolState pool, TimeProvider time, out ulong key, out bool hasKey)
    {
        key = 0;
        hasKey = false;
        if (pool.StickyCookie is { } cookie)
        {
            var token = context.Request.Cookies[cookie.Name];
            return string.IsNullOrEmpty(token) ? null : Resolve(pool, cookie.Find(token));
        }
        if (pool.StickyTable is not { } table || KeyOf(context, table.Key) is not { } found)
        {
            return null;
        }
        key = found;
        hasKey = true;
        var name = table.Find(key, time.GetUtcNow().ToUnixTimeMilliseconds());
        return name is null ? null : Resolve(pool, pool.FindServer(name));
    }

    /// <summary>Cookie mode: the <c>Set-Cookie</c> for a request that did not go where its cookie said (or had none).</summary>
    public static void SetCookie(HttpContext context, PoolState pool, ServerState server, ServerState? stuckTo)
    {
        if (pool.StickyCookie is { } cookie && !ReferenceEquals(server, stuckTo) && cookie.SetCookieFor(server) is { } value)
        {
            context.Response.Headers.Append(HeaderNames.SetCookie, value);
        }
    }

    /// <summary>
    /// Table mode, after a request was answered by <paramref name="server"/>: remembers the client there, by the key the
    /// request carried or, for a header or cookie key it did not carry yet, by the one the response issued.
    /// </summary>
    public static void Learn(HttpContext context, PoolState pool, ServerState server, ServerState? stuckTo, ulong key, bool hasKey, TimeProvider time)
    {
        if (pool.StickyTable is not { } table || ReferenceEquals(server, stuckTo))
        {
            return;
        }
        if (!hasKey)
        {
            if (KeyFromResponse(context.Response, table.Key) is not { } issued)
            {
                return;
            }
            key = issued;
        }
        table.Learn(key, server.Name, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static ServerState? Resolve(PoolState pool, ServerState? server)
    {
        if (server is not null && pool.KeepsSticky(server))
        {
            pool.Sticky.Hit();
            return server;
        }
        pool.Sticky.Move();
        return null;
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
