using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// Decides which servers of a pool may take new requests, apart from which one to pick: the usable primaries,
/// or, while no primary is usable, the usable backups (hot standby). Backups woken ahead of a predicted peak
/// (<see cref="ServerState.Prewarmed"/>) serve alongside usable primaries. When the balancer's pick is full, requests
/// spill over in <see cref="FirstWithRoom"/>'s order.
/// </summary>
public static class UsableServers
{
    public static List<ServerState> Select(IReadOnlyList<ServerState> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var usable = new List<ServerState>(servers.Count);
        foreach (var server in servers)
        {
            if (!server.Config.Backup && server.IsUsable)
            {
                usable.Add(server);
            }
        }
        if (usable.Count > 0)
        {
            foreach (var server in servers)
            {
                if (server.Config.Backup && server.Prewarmed && server.IsUsable)
                {
                    usable.Add(server);
                }
            }
            return usable;
        }
        foreach (var server in servers)
        {
            if (server.Config.Backup && server.IsUsable)
            {
                usable.Add(server);
            }
        }
        return usable;
    }

    /// <summary>
    /// The first usable server not tried yet that has room for one more request, counted in flight: every usable
    /// primary in config order, then every usable backup (so a backup takes the overflow of full primaries); null when none.
    /// </summary>
    public static ServerState? FirstWithRoom(IReadOnlyList<ServerState> servers, SelectionState selection)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(selection);
        return FirstOfKindWithRoom(servers, selection, backups: false) ?? FirstOfKindWithRoom(servers, selection, backups: true);
    }

    private static ServerState? FirstOfKindWithRoom(IReadOnlyList<ServerState> servers, SelectionState selection, bool backups)
    {
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            if (server.IsUsable && server.Config.Backup == backups && !selection.WasTried(server) && server.TryStartRequest())
            {
                return server;
            }
        }
        return null;
    }
}
