using Tandem.Core.Config;

namespace Tandem.Core.Pools;

/// <summary>
/// The runtime state of one server: what operators and health checks decided, and live counters.
/// Concurrency: counters are updated with <see cref="Interlocked"/> from any request thread; state and weight
/// changes are made only through <see cref="PoolState"/>, which serializes them and rebuilds its selector.
/// </summary>
public sealed class ServerState
{
    private long _inFlight;
    private long _requests;
    private long _failures;
    private volatile ServerConfig _config;
    private volatile int _adminState;
    private volatile int _health;
    private volatile int _weightOverride;

    public ServerState(ServerConfig config, IServerTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(telemetry);
        _config = config;
        Telemetry = telemetry;
        DestinationPrefix = "http://" + config.Address.ToString();
    }

    public ServerConfig Config => _config;

    public string Name => _config.Name;

    public HostPort Address => _config.Address;

    /// <summary>The URI prefix requests are forwarded to, e.g. <c>http://127.0.0.1:9001</c>.</summary>
    public string DestinationPrefix { get; }

    public IServerTelemetry Telemetry { get; }

    public AdminState AdminState => (AdminState)_adminState;

    public HealthStatus Health => (HealthStatus)_health;

    /// <summary><c>up</c>, <c>down</c>, <c>draining</c> or <c>disabled</c>.</summary>
    public string StateName => ServerStateNames.For(AdminState, Health);

    /// <summary>Whether the server may receive new requests (enabled by operators and healthy).</summary>
    public bool IsUsable => AdminState == AdminState.Enabled && Health == HealthStatus.Up;

    /// <summary>The weight in force: set at run time through the admin API, else from the config file.</summary>
    public int Weight => _weightOverride > 0 ? _weightOverride : _config.EffectiveWeight;

    /// <summary>Whether <see cref="Weight"/> was set at run time rather than by the file.</summary>
    public bool HasWeightOverride => _weightOverride > 0;

    /// <summary>The weight the balancer uses right now; equals <see cref="Weight"/> until slow start and dynamic weights exist.</summary>
    public int EffectiveWeight => Weight;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Requests => Interlocked.Read(ref _requests);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Call when a request is sent to this server; pair with <see cref="RequestCompleted"/>.</summary>
    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>
    /// Call once per <see cref="RequestStarted"/>. <paramref name="serverFailed"/> is true when the server (not the client)
    /// caused the failure; client aborts are not failures.
    /// </summary>
    public void RequestCompleted(int statusCode, bool serverFailed, double seconds)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _requests);
        if (serverFailed)
        {
            Interlocked.Increment(ref _failures);
        }
        Telemetry.RequestCompleted(statusCode, seconds);
    }

    internal void SetAdminState(AdminState state) => _adminState = (int)state;

    internal void SetHealth(HealthStatus health) => _health = (int)health;

    internal void SetWeightOverride(int? weight) => _weightOverride = weight ?? 0;

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
