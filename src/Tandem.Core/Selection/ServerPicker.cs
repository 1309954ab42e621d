using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// The one place that answers "which server" for a request: the server a trusted caller named (header routing), else
/// the server a sticky client is bound to, else the
/// balancer's pick, else, when that one is full (at <c>max-connections</c>) or already tried, a few more picks and then
/// the first usable server with room in <see cref="UsableServers.FirstWithRoom"/>'s order. The server returned is
/// counted in flight (<see cref="ServerState.TryStartRequest"/>). Lock-free; allocates nothing.
/// </summary>
public static class ServerPicker
{
    /// <summary>A server of <paramref name="pool"/> with room for one more request, counted in flight; null when none.</summary>
    /// <remarks>
    /// A client stuck to a server it has not tried yet gets that server or nothing (it then waits in the queue for
    /// it, as HAProxy does); once tried, a retry is balanced like any other request.
    /// </remarks>
    public static ServerState? Acquire(PoolState pool, SelectionState selection)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(selection);
        // A server a trusted caller named comes before stickiness and the balancer, while it can take the request.
        if (selection.Preferred is { IsUsable: true } preferred && !selection.WasTried(preferred) && preferred.TryStartRequest())
        {
            return preferred;
        }
        if (selection.StuckTo is { } stuckTo && !selection.WasTried(stuckTo))
        {
            return stuckTo.TryStartRequest() ? stuckTo : null;
        }
        // The balancer's choice first; when it is full (or already tried), a few more picks, then every usable server
        // in order, which also gives a hashing pool a stable next choice.
        var usable = pool.UsableCount;
        for (var attempt = 0; attempt <= Math.Min(usable, 3); attempt++)
        {
            var server = pool.Pick(in selection.Context);
            if (server is null)
            {
                return null;
            }
            if (!selection.WasTried(server) && server.TryStartRequest())
            {
                return server;
            }
        }
        return UsableServers.FirstWithRoom(pool.Servers, selection);
    }
}
