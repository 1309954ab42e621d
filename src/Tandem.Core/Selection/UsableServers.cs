using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// Decides which servers of a pool may take new requests, apart from which one to pick: the usable primaries,
/// or, while no primary is usable, the usable backups (hot standby). Backups woken ahead of a predicted peak
/// (<see cref="ServerState.Prewarmed"/>) serve alongside usable primaries.
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
}
