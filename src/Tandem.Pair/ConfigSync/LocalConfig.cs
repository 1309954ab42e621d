using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Pair.Transport;

namespace Tandem.Pair.ConfigSync;

/// <summary>
/// This node's config file as the pair sees it: the shared part with its version and write time (what is offered to the
/// peer), and the node-local sections a config from the peer is joined with. Config sync is off, with the reason logged
/// once, when the node has no file to write to or its <c>pair</c> section cannot be told apart.
/// Concurrency: <see cref="Load"/> may run on any thread; the current offer is swapped atomically, the sections under a lock.
/// </summary>
internal sealed class LocalConfig(string node, string? path, bool canApply, ILogger logger)
{
    private readonly Lock _gate = new();
    private volatile ConfigOffer? _current;
    private volatile string? _syncOff;
    private string _ownSections = "";

    /// <summary>The config file; null when config sync is off for want of one.</summary>
    public string? Path => path;

    /// <summary>The file as last read (its version is published even while sync is off); null before a successful read.</summary>
    public ConfigOffer? Current => _current;

    /// <summary>What this node offers its peer: <see cref="Current"/> while config sync is on, else null.</summary>
    public ConfigOffer? Offer => _syncOff is null ? _current : null;

    /// <summary>Why config sync is off; null while it is on.</summary>
    public string? SyncOff => _syncOff;

    /// <summary>The node-local sections (<see cref="ConfigText.NodeLocalKeys"/>) a config from the peer is joined with.</summary>
    public string OwnSections
    {
        get
        {
            lock (_gate)
            {
                return _ownSections;
            }
        }
    }

    /// <summary>Reads the node's config file: its shared part, version and write time, and this node's own sections.</summary>
    public void Load()
    {
        if (path is null || !canApply)
        {
            TurnOff("the node has no config file to write the peer's config to");
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
            PairLog.LoopFailed(logger, "config", $"cannot read {path}: {ex.Message}");
            return;
        }
        var (shared, local) = ConfigText.Split(text);
        if (!ConfigText.HasSection(local, "pair"))
        {
            TurnOff($"cannot separate the pair section of {path} (write it as a top-level block 'pair:' with indented keys)");
            return;
        }
        lock (_gate)
        {
            _ownSections = local;
            _syncOff = null;
        }
        _current = new ConfigOffer(node, ConfigLoader.VersionOf(shared), stamp, shared);
    }

    private void TurnOff(string reason)
    {
        if (!string.Equals(_syncOff, reason, StringComparison.Ordinal))
        {
            PairLog.ConfigSyncOff(logger, reason);
        }
        _syncOff = reason;
    }

    /// <summary>Writes a sibling and renames it over the file, so the watcher never reads half a file; keeps the origin's write time.</summary>
    public static void Write(string path, string text, DateTime writtenUtc)
    {
        var next = path + ".pair-next";
        File.WriteAllText(next, text, Encoding.UTF8);
        File.SetLastWriteTimeUtc(next, writtenUtc);
        File.Move(next, path, overwrite: true);
    }
}
