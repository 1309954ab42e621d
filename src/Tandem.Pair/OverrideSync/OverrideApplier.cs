using System.Globalization;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Pair.Transport;

namespace Tandem.Pair.OverrideSync;

/// <summary>
/// Merges the peer's overrides into the <see cref="OverrideTable"/> and applies those that won to the running pools,
/// straight to the pool (not through the admin API), so they are not reported back to the peer.
/// Concurrency: thread-safe (the table locks itself, pools swap their state atomically).
/// </summary>
internal sealed class OverrideApplier(OverrideTable table, PoolRegistry pools, ILogger logger)
{
    /// <summary>Merges the peer's entries and applies those that won; returns how many did.</summary>
    public int Merge(IReadOnlyList<OverrideEntry> entries, string peer)
    {
        var applied = 0;
        foreach (var entry in entries)
        {
            if (table.TryMerge(entry))
            {
                Apply(entry, peer);
                applied++;
            }
        }
        return applied;
    }

    private void Apply(OverrideEntry entry, string peer)
    {
        var pool = pools.Find(entry.Pool);
        var server = pool?.FindServer(entry.Server);
        if (pool is null || server is null)
        {
            PairLog.ChangeUnknownServer(logger, peer, entry.Pool, entry.Server);
            return;
        }
        switch (entry.Field)
        {
            case OverrideFields.Weight when entry.Weight is null or (>= ConfigDefaults.MinWeight and <= ConfigDefaults.MaxWeight):
                pool.SetWeight(server, entry.Weight);
                PairLog.ChangeApplied(logger, entry.Field, entry.Pool, entry.Server,
                    entry.Weight?.ToString(CultureInfo.InvariantCulture) ?? "(file's weight)", peer);
                break;
            case OverrideFields.State when ServerStateNames.TryParseAdmin(entry.State, out var state):
                pool.SetAdminState(server, state);
                PairLog.ChangeApplied(logger, entry.Field, entry.Pool, entry.Server, entry.State!, peer);
                break;
            default:
                PairLog.LoopFailed(logger, "apply", $"ignored bad entry {entry.Field} of {entry.Pool}/{entry.Server} from {peer}");
                break;
        }
    }
}
