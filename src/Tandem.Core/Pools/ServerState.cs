using Tandem.Core.Balancing;
using Tandem.Core.Config;

namespace Tandem.Core.Pools;

/// <summary>
/// The runtime state of one server: what operators and health checks decided, and live counters.
/// Concurrency: counters are updated with <see cref="Interlocked"/> from any request thread and read with plain
/// volatile reads (64-bit reads are atomic on the 64-bit platforms .NET 10 runs on; Interlocked.Read would write the
/// cache line, which least-connections does for every server on every pick); state and weight
/// changes are made only through <see cref="PoolState"/>, which serializes them and rebuilds its selector.
/// </summary>
public sealed class ServerState
{
    private long _inFlight;
    private long _requests;
    private long _failures;
    private long _latencyMicroseconds;
    private volatile ServerConfig _config;
    private volatile int _adminState;
    private volatile int _health;
    private volatile int _weightOverride;
    private volatile int _dynamicWeight;
    private volatile bool _ejected;
    private volatile bool _prewarmed;
    private int _ejections;
    private int _consecutiveFailures;
    private long _agentLoadBits = BitConverter.DoubleToInt64Bits(double.NaN);

    /// <param name="config">The server's config.</param>
    /// <param name="telemetry">Where request outcomes are recorded.</param>
    /// <param name="time">The clock for latency tracking; the system clock when null.</param>
    public ServerState(ServerConfig config, IServerTelemetry telemetry, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(telemetry);
        _config = config;
        Telemetry = telemetry;
        Time = time ?? TimeProvider.System;
        Latency = new PeakEwma(Time);
        UsableSince = Time.GetTimestamp();
        DestinationPrefix = "http://" + config.Address.ToString();
    }

    public ServerConfig Config => _config;

    public string Name => _config.Name;

    public HostPort Address => _config.Address;

    /// <summary>The URI prefix requests are forwarded to, e.g. <c>http://127.0.0.1:9001</c>.</summary>
    public string DestinationPrefix { get; }

    public IServerTelemetry Telemetry { get; }

    /// <summary>The clock latency samples are stamped with.</summary>
    public TimeProvider Time { get; }

    /// <summary>Response time as a peak-sensitive moving average (for <c>peak-ewma</c>, the dashboard and explain).</summary>
    public PeakEwma Latency { get; }

    public AdminState AdminState => (AdminState)_adminState;

    public HealthStatus Health => (HealthStatus)_health;

    /// <summary>Whether passive checks have taken the server out of rotation for a while (see <see cref="PoolState.Eject"/>).</summary>
    public bool Ejected => _ejected;

    /// <summary>
    /// Whether a backup server was woken ahead of a predicted peak (the scale-ahead planner): it then serves alongside
    /// the primaries instead of only while none is up. Set only through <see cref="PoolState.SetPrewarmed"/>.
    /// </summary>
    public bool Prewarmed => _prewarmed;

    /// <summary>How many times passive checks have ejected the server in a row (reset by a clean period); doubles the ejection time.</summary>
    public int Ejections => Volatile.Read(ref _ejections);

    /// <summary>Server failures in a row on real traffic (passive checks); a success resets it.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>When the current ejection ends (a <see cref="TimeProvider"/> timestamp); meaningful while <see cref="Ejected"/>.</summary>
    public long EjectedUntil { get; internal set; }

    /// <summary>When the last ejection ended (a timestamp), for resetting <see cref="Ejections"/> after a clean period.</summary>
    public long ReadmittedAt { get; internal set; }

    /// <summary><c>up</c>, <c>down</c>, <c>draining</c> or <c>disabled</c>; an ejected server is <c>down</c>.</summary>
    public string StateName => ServerStateNames.For(AdminState, _ejected ? HealthStatus.Down : Health);

    /// <summary>Whether the server may receive new requests (enabled by operators, passing active checks, not ejected).</summary>
    public bool IsUsable => AdminState == AdminState.Enabled && Health == HealthStatus.Up && !_ejected;

    /// <summary>When the server last became usable or unusable (UTC), and why; null before any change.</summary>
    public HealthChange? LastChange { get; private set; }

    /// <summary>When the server was added or last became usable (a <see cref="TimeProvider"/> timestamp): slow start ramps from here.</summary>
    public long UsableSince { get; private set; }

    /// <summary>The last active probe's outcome; null before the first probe or without active checks.</summary>
    public ProbeResult? LastProbe { get; private set; }

    /// <summary>Records an active probe's outcome (shown by the admin API); the verdict goes through <see cref="PoolState.SetHealth"/>.</summary>
    public void RecordProbe(ProbeResult result) => LastProbe = result;

    /// <summary>The weight in force: set at run time through the admin API, else from the config file.</summary>
    public int Weight => _weightOverride > 0 ? _weightOverride : _config.EffectiveWeight;

    /// <summary>The weight <c>dynamic-weighted</c> derived from live load, in tenths (1..2560), or 0 when none.</summary>
    public int DynamicWeight => _dynamicWeight;

    /// <summary>Whether <see cref="Weight"/> was set at run time rather than by the file.</summary>
    public bool HasWeightOverride => _weightOverride > 0;

    /// <summary>
    /// The weight the balancer uses right now: <see cref="Weight"/>, or what <c>dynamic-weighted</c> made of it from
    /// live load, in steps of 0.1 (see <see cref="DynamicWeight"/>).
    /// </summary>
    public double EffectiveWeight => TenthsOfWeight / 10.0;

    /// <summary><see cref="EffectiveWeight"/> x 10 as an integer, what selectors build from.</summary>
    public int TenthsOfWeight => _dynamicWeight > 0 ? _dynamicWeight : Weight * 10;

    /// <summary>
    /// The load percent of the server's last fresh agent report (dynamic-weighted pools with an <c>agent</c>), null when
    /// there is none. Written by the dynamic-weights service, read by alert rules, metrics and the dashboard.
    /// </summary>
    public double? AgentLoadPercent
    {
        get
        {
            var value = BitConverter.Int64BitsToDouble(Volatile.Read(ref _agentLoadBits));
            return double.IsNaN(value) ? null : value;
        }
    }

    /// <summary>Records the load percent of the last fresh agent report; null when none is fresh.</summary>
    public void ReportAgentLoad(double? percent) => Volatile.Write(ref _agentLoadBits, BitConverter.DoubleToInt64Bits(percent ?? double.NaN));

    public long InFlight => Volatile.Read(ref _inFlight);

    public long Requests => Volatile.Read(ref _requests);

    public long Failures => Volatile.Read(ref _failures);

    /// <summary>The sum of the response times of completed requests, in microseconds (with <see cref="Requests"/>, gives averages over a window).</summary>
    public long LatencyMicroseconds => Volatile.Read(ref _latencyMicroseconds);

    /// <summary>Call when a request is sent to this server; pair with <see cref="RequestCompleted(int, bool, double)"/>.</summary>
    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>
    /// <see cref="RequestStarted"/> if the server has fewer than its <c>max-connections</c> requests in flight (always
    /// when it has no limit); false, and nothing counted, when it is full.
    /// </summary>
    public bool TryStartRequest()
    {
        if (_config.MaxConnections is not { } max)
        {
            Interlocked.Increment(ref _inFlight);
            return true;
        }
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= max)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Call once per <see cref="RequestStarted"/>. <paramref name="serverFailed"/> is true when the server (not the client)
    /// caused the failure; client aborts are not failures.
    /// </summary>
    public void RequestCompleted(int statusCode, bool serverFailed, double seconds) =>
        RequestCompleted(statusCode, serverFailed, seconds, Time.GetTimestamp());

    /// <inheritdoc cref="RequestCompleted(int, bool, double)"/>
    /// <param name="statusCode">The status the client got.</param>
    /// <param name="serverFailed">Whether the server caused a failure.</param>
    /// <param name="seconds">The request's duration.</param>
    /// <param name="timestamp">When it completed, from <see cref="Time"/>.</param>
    public void RequestCompleted(int statusCode, bool serverFailed, double seconds, long timestamp)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _latencyMicroseconds, (long)(seconds * 1_000_000));
        // A failure counts as a slow answer (at least 1 s), so a server that fails fast does not look fast to peak-ewma.
        Latency.Observe(serverFailed ? Math.Max(seconds, 1) : seconds, timestamp);
        if (serverFailed)
        {
            Interlocked.Increment(ref _failures);
        }
        Telemetry.RequestCompleted(statusCode, seconds);
    }

    internal void SetAdminState(AdminState state) => _adminState = (int)state;

    internal void SetHealth(HealthStatus health) => _health = (int)health;

    internal void SetEjected(bool ejected) => _ejected = ejected;

    /// <summary>Wakes or parks a backup; waking restarts <see cref="UsableSince"/> so slow start ramps it up.</summary>
    internal void SetPrewarmed(bool prewarmed, long timestamp)
    {
        _prewarmed = prewarmed;
        if (prewarmed)
        {
            UsableSince = timestamp;
        }
    }

    internal int CountFailure() => Interlocked.Increment(ref _consecutiveFailures);

    /// <summary>Resets the failure run; writes only when there is one, so a healthy server's cache line stays clean.</summary>
    internal void CountSuccess()
    {
        if (Volatile.Read(ref _consecutiveFailures) != 0)
        {
            Volatile.Write(ref _consecutiveFailures, 0);
        }
    }

    internal int CountEjection() => Interlocked.Increment(ref _ejections);

    internal void ResetEjections() => Volatile.Write(ref _ejections, 0);

    /// <summary>Records a change of usability; called by <see cref="PoolState"/> after a state change.</summary>
    internal void Changed(HealthChange change, long timestamp)
    {
        LastChange = change;
        if (change.Usable)
        {
            UsableSince = timestamp;
        }
    }

    internal void SetWeightOverride(int? weight) => _weightOverride = weight ?? 0;

    /// <summary>Sets the load-derived weight in tenths, or clears it with 0; only through <see cref="PoolState"/>.</summary>
    internal void SetDynamicWeight(int weight) => _dynamicWeight = weight;

    /// <summary>Adopts a new config for the same server (same name and address); a changed file weight drops the run-time override.</summary>
    internal void UpdateConfig(ServerConfig config)
    {
        if (config.EffectiveWeight != _config.EffectiveWeight)
        {
            _weightOverride = 0;
        }
        _config = config;
    }
}
