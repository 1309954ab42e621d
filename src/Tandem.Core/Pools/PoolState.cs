using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Health;
using Tandem.Core.Selection;

namespace Tandem.Core.Pools;

/// <summary>
/// The runtime state of one pool: its servers and the selector that picks among the usable ones.
/// Concurrency: <see cref="Pick"/> is lock-free (a volatile read of an immutable selector); every change to a
/// server's admin state, health or weight goes through this class, under one lock, and publishes a new selector.
/// </summary>
public sealed class PoolState
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServerState> _byName;
    private volatile ServerSelector _selector = EmptySelector.Instance;
    private volatile int _usableCount;
    private volatile Func<int>? _queued;
    private volatile bool _primaryUsable;

    /// <param name="config">The pool's config.</param>
    /// <param name="servers">Its servers' runtime state.</param>
    /// <param name="unrouted">Telemetry for requests that found no usable server.</param>
    /// <param name="sequence">The previous generation's rotation counter on reload, so rotation continues.</param>
    /// <param name="services">Clock and randomness for the balancer; <see cref="BalancerServices.Default"/> when null.</param>
    /// <param name="stickyTable">The sticky table of <c>sticky: {mode: table}</c> (kept across reloads by the registry).</param>
    /// <param name="stickyCounters">The previous generation's sticky counters on reload, so they keep counting.</param>
    public PoolState(PoolConfig config, IReadOnlyList<ServerState> servers, IServerTelemetry unrouted, PickSequence? sequence = null,
        BalancerServices? services = null, StickyTable? stickyTable = null, StickyCounters? stickyCounters = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(unrouted);
        Config = config;
        Servers = servers;
        Unrouted = unrouted;
        Balancer = BalancerRegistry.Get(config.Algorithm);
        UsesHash = Balancer.UsesHash;
        Passive = PassiveSettings.From(config.Passive);
        Sequence = sequence ?? new PickSequence();
        Context = new BalancerContext(config, Sequence, services ?? BalancerServices.Default);
        StickyTable = config.Sticky is { Mode: StickyMode.Table } ? stickyTable : null;
        Sticky = stickyCounters ?? new StickyCounters();
        StickyCookie = config.Sticky is { Mode: StickyMode.Cookie } sticky ? new StickyCookie(config.Name, sticky, servers) : null;
        _byName = new Dictionary<string, ServerState>(servers.Count, StringComparer.Ordinal);
        foreach (var server in servers)
        {
            _byName[server.Name] = server;
        }
        lock (_gate)
        {
            Rebuild();
        }
    }

    public string Name => Config.Name;

    public PoolConfig Config { get; }

    public IReadOnlyList<ServerState> Servers { get; }

    public IBalancer Balancer { get; }

    /// <summary>Telemetry for requests that found no usable server.</summary>
    public IServerTelemetry Unrouted { get; }

    /// <summary>The sticky table with <c>sticky: {mode: table}</c>; null otherwise.</summary>
    public StickyTable? StickyTable { get; }

    /// <summary>The sticky cookie with <c>sticky: {mode: cookie}</c>; null otherwise.</summary>
    public StickyCookie? StickyCookie { get; }

    /// <summary>How sticky clients fared (kept across reloads).</summary>
    public StickyCounters Sticky { get; }

    /// <summary>
    /// Whether a client stuck to <paramref name="server"/> may stay there: it is healthy and enabled or draining (a
    /// draining server keeps its sticky clients, as HAProxy's drain does, and takes no new ones), and it is not a
    /// backup that has been handed back (a backup keeps sticky clients only while it is in rotation).
    /// </summary>
    public bool KeepsSticky(ServerState server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.AdminState is AdminState.Enabled or AdminState.Draining
            && server.Health == HealthStatus.Up && !server.Ejected
            && (!server.Config.Backup || server.Prewarmed || !_primaryUsable);
    }

    /// <summary>The rotation counter; handed to the next <see cref="PoolState"/> of the same pool on reload.</summary>
    internal PickSequence Sequence { get; }

    /// <summary>The balancer's view of the pool: config, rotation counter, clock and randomness.</summary>
    public BalancerContext Context { get; }

    /// <summary>Passive-check settings with defaults applied.</summary>
    public PassiveSettings Passive { get; }

    /// <summary>Whether picks need <see cref="SelectionContext.Hash"/> (the proxy computes it only then).</summary>
    public bool UsesHash { get; }

    /// <summary>The current selector (for explaining picks; requests go through <see cref="Pick"/>).</summary>
    public ServerSelector Selector => _selector;

    /// <summary>How many servers the current selector picks from.</summary>
    public int UsableCount => _usableCount;

    /// <summary>Requests waiting in the pool's queue now (for alert rules and the dashboard); 0 until the data plane attaches its queue.</summary>
    public int Queued => _queued?.Invoke() ?? 0;

    /// <summary>Attaches the data plane's queue length; called when a route is built for this pool.</summary>
    public void ObserveQueue(Func<int> waiting) => _queued = waiting;

    /// <summary>Raised after a server's state or weight changed (not on the request path).</summary>
    public event Action<PoolState, ServerState>? ServerChanged;

    /// <summary>The server for a request, or null when none is usable. Lock-free and allocation-free.</summary>
    public ServerState? Pick(in SelectionContext context) => _selector.Pick(in context);

    public ServerState? FindServer(string name) => _byName.GetValueOrDefault(name);

    public void SetAdminState(ServerState server, AdminState state) =>
        Change(server, s => s.SetAdminState(state), s => s.AdminState != state, "set " + ServerStateNames.For(state, HealthStatus.Up) + " by an operator");

    /// <summary>Sets the active-check verdict; <paramref name="reason"/> goes into <see cref="ServerState.LastChange"/> and the log.</summary>
    public void SetHealth(ServerState server, HealthStatus health, string? reason = null) =>
        Change(server, s => s.SetHealth(health), s => s.Health != health, reason ?? (health == HealthStatus.Up ? "marked up" : "marked down"));

    /// <summary>
    /// Takes a server out of rotation on passive evidence, unless another server is already ejected and this one
    /// would leave more than <paramref name="maxEjectedPercent"/> of the pool's servers ejected. As in Envoy, the cap
    /// never stops the first ejection: a lone failing server (or one of two at a low cap) goes down, so the pool
    /// answers a fast 503 instead of pretending to be up. Returns whether it was ejected. Readmission is the
    /// caller's: <see cref="Readmit"/>.
    /// </summary>
    public bool Eject(ServerState server, int maxEjectedPercent, string reason)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_gate)
        {
            if (server.Ejected)
            {
                return false;
            }
            var ejected = 1;
            foreach (var other in Servers)
            {
                ejected += other.Ejected ? 1 : 0;
            }
            if (ejected > 1 && ejected * 100 > maxEjectedPercent * Servers.Count)
            {
                return false;
            }
        }
        Change(server, s => s.SetEjected(true), s => !s.Ejected, reason);
        return server.Ejected;
    }

    /// <summary>Ends a passive ejection.</summary>
    public void Readmit(ServerState server, string reason) => Change(server, s => s.SetEjected(false), s => s.Ejected, reason);

    /// <summary>Sets the run-time weight (1..256), or clears it with null so the file's weight applies again.</summary>
    public void SetWeight(ServerState server, int? weight)
    {
        if (weight is < ConfigDefaults.MinWeight or > ConfigDefaults.MaxWeight)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"weight must be {ConfigDefaults.MinWeight}..{ConfigDefaults.MaxWeight}");
        }
        Change(server, s => s.SetWeightOverride(weight), s => s.Weight != (weight ?? s.Config.EffectiveWeight) || s.HasWeightOverride != weight.HasValue,
            reason: null);
    }

    /// <summary>
    /// Publishes load-derived weights (0 clears one) for several servers with one rebuild; used by the
    /// <c>dynamic-weighted</c> updater. Servers not in this pool are ignored.
    /// </summary>
    public void SetDynamicWeights(IReadOnlyList<(ServerState Server, int Weight)> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var changed = false;
        lock (_gate)
        {
            foreach (var (server, weight) in weights)
            {
                if (ReferenceEquals(FindServer(server.Name), server) && server.DynamicWeight != weight)
                {
                    server.SetDynamicWeight(weight);
                    changed = true;
                }
            }
            if (changed)
            {
                Rebuild();
            }
        }
    }

    /// <summary>
    /// Wakes a backup server ahead of a predicted peak so it serves alongside the primaries (ramped by slow start when
    /// the pool has <c>slow-start</c>), or parks it again; no effect on a server that is not a backup.
    /// </summary>
    public void SetPrewarmed(ServerState server, bool prewarmed)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!server.Config.Backup)
        {
            return;
        }
        Change(server, s => s.SetPrewarmed(prewarmed, Context.Time.GetTimestamp()), s => s.Prewarmed != prewarmed, reason: null);
    }

    /// <summary>Raised after a server became usable or unusable, with the reason (not on the request path).</summary>
    public event Action<PoolState, ServerState, HealthChange>? HealthChanged;

    private void Change(ServerState server, Action<ServerState> apply, Func<ServerState, bool> differs, string? reason)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!ReferenceEquals(FindServer(server.Name), server))
        {
            throw new ArgumentException($"server '{server.Name}' is not in pool '{Name}'", nameof(server));
        }
        HealthChange? change = null;
        lock (_gate)
        {
            if (!differs(server))
            {
                return;
            }
            var wasUsable = server.IsUsable;
            var wasState = server.StateName;
            apply(server);
            if (reason is not null && (wasUsable != server.IsUsable || wasState != server.StateName))
            {
                change = new HealthChange(server.IsUsable, server.StateName, reason, Context.Time.GetUtcNow());
                server.Changed(change, Context.Time.GetTimestamp());
            }
            Rebuild();
        }
        ServerChanged?.Invoke(this, server);
        if (change is not null)
        {
            HealthChanged?.Invoke(this, server, change);
        }
    }

    private void Rebuild()
    {
        var usable = UsableServers.Select(Servers);
        _usableCount = usable.Count;
        var primaryUsable = false;
        foreach (var server in usable)
        {
            primaryUsable |= !server.Config.Backup;
        }
        _primaryUsable = primaryUsable;
        _selector = usable.Count == 0 ? EmptySelector.Instance : Balancer.Build(usable, Context);
    }
}
