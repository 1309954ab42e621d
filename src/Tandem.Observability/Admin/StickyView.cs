using System.Globalization;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Observability.Admin;

/// <summary>A pool's session affinity as the admin API shows it (<c>/api/pools/{pool}/sticky</c>, and in each pool).</summary>
/// <param name="Mode"><c>cookie</c> or <c>table</c>.</param>
/// <param name="Cookie">Cookie mode: the cookie's name.</param>
/// <param name="Key">Table mode: what clients are remembered by (<c>ip</c>, <c>header:NAME</c>, <c>cookie:NAME</c>).</param>
/// <param name="TtlSeconds">Table mode: how long an idle client is remembered; cookie mode: the cookie's Max-Age (null: a session cookie).</param>
/// <param name="Size">Table mode: the most clients remembered.</param>
/// <param name="Entries">Table mode: clients remembered now (on this node; the peer's table converges to the same).</param>
/// <param name="Kept">Requests that went to the server their client was stuck to.</param>
/// <param name="Moved">Requests whose client's server could not take them any more, balanced afresh.</param>
/// <param name="Evictions">Table mode: clients forgotten to stay within <paramref name="Size"/>.</param>
/// <param name="Clients">Only on <c>/api/pools/{pool}/sticky</c>: up to <c>limit</c> remembered clients.</param>
public sealed record StickyView(string Mode, string? Cookie, string? Key, double? TtlSeconds, int? Size, int? Entries, long Kept, long Moved,
    long? Evictions, IReadOnlyList<StickyClientView>? Clients)
{
    public static StickyView? From(PoolState pool, int clients = 0)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Config.Sticky is not { } sticky)
        {
            return null;
        }
        var table = pool.StickyTable;
        List<StickyClientView>? list = null;
        if (table is not null && clients > 0)
        {
            list = [];
            foreach (var record in table.Snapshot(clients))
            {
                list.Add(new StickyClientView(record.Key.ToString("x16", CultureInfo.InvariantCulture), record.Server,
                    DateTimeOffset.FromUnixTimeMilliseconds(record.LastSeen)));
            }
        }
        return sticky.Mode == StickyMode.Cookie
            ? new StickyView("cookie", pool.StickyCookie?.Name, null, sticky.Ttl?.TotalSeconds, null, null, pool.Sticky.Hits, pool.Sticky.Moves, null, null)
            : new StickyView("table", null, table?.Key.ToString(), table?.Ttl.TotalSeconds, table?.Size, table?.Count, pool.Sticky.Hits,
                pool.Sticky.Moves, table?.Evictions, list);
    }
}

/// <summary>One remembered client: the hash of its key (16 hex digits; the key itself is not kept), its server, when last seen.</summary>
public sealed record StickyClientView(string Key, string Server, DateTimeOffset LastSeen);

/// <summary>The answer to <c>DELETE /api/pools/{pool}/sticky</c>: how many clients this node forgot (the peer keeps its own).</summary>
public sealed record StickyCleared(int Cleared);
