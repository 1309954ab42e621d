using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// The rule of session affinity (<c>pools[].sticky</c>), apart from how the proxy reads a client's cookie or key: a
/// remembered server that can no longer keep the client (<see cref="PoolState.KeepsSticky"/>) is ignored and the
/// request is balanced afresh; each lookup counts as a hit or a move. Table entries are stamped in Unix ms.
/// </summary>
public static class StickySelection
{
    /// <summary>Cookie mode: binds the request to the server its cookie token names, if that server may keep it.</summary>
    public static void FromCookie(PoolState pool, SelectionState selection, ReadOnlySpan<char> token)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(selection);
        selection.Stick(Resolve(pool, pool.StickyCookie?.Find(token)), key: null);
    }

    /// <summary>Table mode: binds the request to the server the table remembers for <paramref name="key"/>, if it may keep it.</summary>
    public static void FromTable(PoolState pool, SelectionState selection, ulong key, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(selection);
        var name = pool.StickyTable?.Find(key, nowMs);
        selection.Stick(name is null ? null : Resolve(pool, pool.FindServer(name)), key);
    }

    /// <summary>Table mode, after <paramref name="server"/> answered: whether to remember the client there (it was not stuck to it).</summary>
    public static bool Learns(PoolState pool, SelectionState selection, ServerState server)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(selection);
        return pool.StickyTable is not null && !ReferenceEquals(server, selection.StuckTo);
    }

    /// <summary>Table mode: remembers the client of <paramref name="key"/> on <paramref name="server"/>.</summary>
    public static void Remember(PoolState pool, ServerState server, ulong key, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(server);
        pool.StickyTable?.Learn(key, server.Name, nowMs);
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
}
