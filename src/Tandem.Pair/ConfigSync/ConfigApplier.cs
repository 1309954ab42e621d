using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Pair.Transport;

namespace Tandem.Pair.ConfigSync;

/// <summary>
/// Takes a config the peer offers (or sends in its snapshot): joins it with this node's own sections, validates it with
/// <see cref="ConfigLoader"/>, writes it to the config file and applies it, or refuses it with the reason. The file is
/// put back when applying fails.
/// Concurrency: one offer at a time (a semaphore), so two never interleave their writes.
/// </summary>
internal sealed class ConfigApplier(string node, LocalConfig local, Func<ConfigLoadResult, Task<bool>>? apply, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Raised after a config was written and applied, so the published version changed.</summary>
    public event Action? Applied;

    /// <summary>
    /// Whether a config written at <paramref name="stamp"/> by <paramref name="writer"/> is newer than one written at
    /// <paramref name="otherStamp"/> by <paramref name="otherWriter"/>: the later write, ties broken by node name, so
    /// both nodes agree.
    /// </summary>
    public static bool IsNewer(long stamp, string writer, long otherStamp, string otherWriter) =>
        stamp != otherStamp ? stamp > otherStamp : string.CompareOrdinal(writer, otherWriter) > 0;

    /// <summary>Validated, written and applied, or refused with the reason (logged).</summary>
    public async Task<ConfigReply> TakeAsync(ConfigOffer offer, string peer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = local.Current;
            if (local.SyncOff is { } off)
            {
                return Refuse(offer, peer, "config sync is off on node " + node + ": " + off, current);
            }
            if (current is not null && string.Equals(current.Version, offer.Version, StringComparison.Ordinal))
            {
                return new ConfigReply(true, null);
            }
            if (current is not null && IsNewer(current.Stamp, node, offer.Stamp, offer.Node))
            {
                // Not a problem with the config: this node's own file is newer and will be offered the other way.
                return new ConfigReply(false, $"node {node} runs a newer config ({current.Version})");
            }
            if (ConfigText.Split(offer.Yaml).Local.Length > 0)
            {
                return Refuse(offer, peer, "it contains a node-local section (pair, listeners or admin; each node keeps its own)", current);
            }
            return await WriteAndApplyAsync(offer, peer, current, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ConfigReply> WriteAndApplyAsync(ConfigOffer offer, string peer, ConfigOffer? current, CancellationToken cancellationToken)
    {
        var path = local.Path!;
        var merged = ConfigText.Join(offer.Yaml, local.OwnSections);
        var loaded = ConfigLoader.Parse(merged, path);
        if (!loaded.IsValid)
        {
            var problems = new List<string>(loaded.Problems.Count);
            foreach (var problem in loaded.Problems)
            {
                problems.Add(problem.ToString());
            }
            return Refuse(offer, peer, string.Join("; ", problems), current);
        }
        var previous = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
        var previousStamp = File.GetLastWriteTimeUtc(path);
        LocalConfig.Write(path, merged, DateTimeOffset.FromUnixTimeMilliseconds(offer.Stamp).UtcDateTime);
        if (!await apply!(loaded))
        {
            LocalConfig.Write(path, previous, previousStamp);
            return Refuse(offer, peer, "applying it failed (see the reload lines above)", current);
        }
        local.Load();
        Applied?.Invoke();
        PairLog.ConfigAccepted(logger, offer.Version, peer, path);
        return new ConfigReply(true, null);
    }

    private ConfigReply Refuse(ConfigOffer offer, string peer, string problem, ConfigOffer? current)
    {
        PairLog.ConfigRefused(logger, offer.Version, peer, problem, current?.Version ?? "(none)");
        return new ConfigReply(false, problem);
    }

    public void Dispose() => _gate.Dispose();
}
