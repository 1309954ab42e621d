using System.Text;
using Tandem.Core.Config;
using Tandem.Pair.Transport;
using Tandem.Pair.Sync;

namespace Tandem.Pair;

/// <summary>
/// Config sync. What travels is the config file without its node-local sections (<c>pair</c>, <c>listeners</c>,
/// <c>admin</c>: see <see cref="ConfigText.NodeLocalKeys"/>); the receiver appends its own,
/// validates the result with <see cref="ConfigLoader"/>, writes it to its config file and applies it. The newer file wins
/// (its write time travels with it, so both nodes agree which is newer), and a version is offered to a peer only once.
/// </summary>
public sealed partial class PairService
{
    private readonly SemaphoreSlim _configGate = new(1, 1);
    private volatile ConfigOffer? _localConfig;
    private string _ownSections = "";
    private string? _offeredVersion;
    private volatile string? _configSyncOff;

    private ConfigOffer? LocalOffer => _configSyncOff is null ? _localConfig : null;

    /// <summary>Reads the node's config file: its shared part, version and write time, and this node's pair section.</summary>
    private void LoadLocalConfig()
    {
        if (_options.ConfigPath is not { } path || _options.ApplyConfig is null)
        {
            SyncOff("the node has no config file to write the peer's config to");
            return;
        }
        string text;
        long stamp;
        try
        {
            text = ConfigLoader.ReadText(path);
            stamp = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero).ToUnixTimeMilliseconds();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            PairLog.LoopFailed(_logger, "config", $"cannot read {path}: {ex.Message}");
            return;
        }
        var (shared, local) = ConfigText.Split(text);
        if (!ConfigText.HasSection(local, "pair"))
        {
            SyncOff($"cannot separate the pair section of {path} (write it as a top-level block 'pair:' with indented keys)");
            return;
        }
        lock (_gate)
        {
            _ownSections = local;
            _configSyncOff = null;
        }
        _localConfig = new ConfigOffer(_config.Node, ConfigLoader.VersionOf(shared), stamp, shared);
    }

    private void SyncOff(string reason)
    {
        if (!string.Equals(_configSyncOff, reason, StringComparison.Ordinal))
        {
            PairLog.ConfigSyncOff(_logger, reason);
        }
        _configSyncOff = reason;
    }

    /// <summary>A config offered by the peer (or in its snapshot): validated, written and applied, or refused with the reason.</summary>
    private async Task<ConfigReply> TakeConfigAsync(ConfigOffer offer, string peer, CancellationToken cancellationToken)
    {
        await _configGate.WaitAsync(cancellationToken);
        try
        {
            var local = _localConfig;
            if (_configSyncOff is { } off)
            {
                return Refuse(offer, peer, "config sync is off on node " + _config.Node + ": " + off, local);
            }
            if (local is not null && string.Equals(local.Version, offer.Version, StringComparison.Ordinal))
            {
                return new ConfigReply(true, null);
            }
            if (local is not null && (offer.Stamp < local.Stamp || (offer.Stamp == local.Stamp && string.CompareOrdinal(offer.Node, _config.Node) < 0)))
            {
                // Not a problem with the config: this node's own file is newer and will be offered the other way.
                return new ConfigReply(false, $"node {_config.Node} runs a newer config ({local.Version})");
            }
            if (ConfigText.Split(offer.Yaml).Local.Length > 0)
            {
                return Refuse(offer, peer, "it contains a node-local section (pair, listeners or admin; each node keeps its own)", local);
            }
            var path = _options.ConfigPath!;
            string ownSections;
            lock (_gate)
            {
                ownSections = _ownSections;
            }
            var merged = ConfigText.Join(offer.Yaml, ownSections);
            var loaded = ConfigLoader.Parse(merged, path);
            if (!loaded.IsValid)
            {
                var problems = new List<string>(loaded.Problems.Count);
                foreach (var problem in loaded.Problems)
                {
                    problems.Add(problem.ToString());
                }
                return Refuse(offer, peer, string.Join("; ", problems), local);
            }
            var previous = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
            var previousStamp = File.GetLastWriteTimeUtc(path);
            Write(path, merged, DateTimeOffset.FromUnixTimeMilliseconds(offer.Stamp).UtcDateTime);
            if (!await _options.ApplyConfig!(loaded))
            {
                Write(path, previous, previousStamp);
                return Refuse(offer, peer, "applying it failed (see the reload lines above)", local);
            }
            LoadLocalConfig();
            Publish();
            PairLog.ConfigAccepted(_logger, offer.Version, peer, path);
            return new ConfigReply(true, null);
        }
        finally
        {
            _configGate.Release();
        }
    }

    private ConfigReply Refuse(ConfigOffer offer, string peer, string problem, ConfigOffer? local)
    {
        PairLog.ConfigRefused(_logger, offer.Version, peer, problem, local?.Version ?? "(none)");
        return new ConfigReply(false, problem);
    }

    /// <summary>Writes a sibling and renames it over the file, so the watcher never reads half a file; keeps the origin's write time.</summary>
    private static void Write(string path, string text, DateTime writtenUtc)
    {
        var next = path + ".pair-next";
        File.WriteAllText(next, text, Encoding.UTF8);
        File.SetLastWriteTimeUtc(next, writtenUtc);
        File.Move(next, path, overwrite: true);
    }
}
