using Tandem.Core.Config;

namespace Tandem.Core.Runtime;

/// <summary>
/// What this node is running, for the admin API: the applied config, the last reload and the bound listeners.
/// Concurrency: written by the one component that applies configs; each property is an immutable snapshot read lock-free.
/// </summary>
public sealed class NodeStatus(TimeProvider time)
{
    private volatile TandemConfig? _config;
    private volatile ReloadOutcome? _lastReload;
    private volatile IReadOnlyList<ListenerStatus> _listeners = [];

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;

    public TandemConfig? Config => _config;

    public ReloadOutcome? LastReload => _lastReload;

    public IReadOnlyList<ListenerStatus> Listeners => _listeners;

    public void Applied(TandemConfig config, IReadOnlyList<ListenerStatus> listeners)
    {
        _config = config;
        _listeners = listeners;
        _lastReload = new ReloadOutcome(time.GetUtcNow(), config.Version, true, []);
    }

    public void Rejected(string? version, IReadOnlyList<string> problems) =>
        _lastReload = new ReloadOutcome(time.GetUtcNow(), version, false, problems);
}

/// <summary>The result of the last attempt to apply a config.</summary>
public sealed record ReloadOutcome(DateTimeOffset At, string? Version, bool Applied, IReadOnlyList<string> Problems);

/// <summary>A running listener: its name, pool, and the address actually bound.</summary>
public sealed record ListenerStatus(string Name, string Pool, string Bound);
