using Prometheus;
using Tandem.Core.Pools;
using Tandem.Observability.Live;

namespace Tandem.Observability.Metrics;

/// <summary>
/// The instruments of one Tandem process, created once, in a private registry: no default collectors, so nothing
/// listens to the runtime's own meters and events on the request path. Per-server instruments are resolved once per
/// server (<see cref="ServerTelemetry"/>); gauges that mirror runtime state are refreshed just before each scrape.
/// </summary>
public sealed class TandemMetrics : IServerTelemetryFactory
{
    private static readonly double[] DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter _requests;
    private readonly Counter _healthChanges;
    private readonly Histogram _duration;
    private readonly Gauge _activeRequests;
    private readonly Gauge _serverUp;
    private readonly Gauge _serverWeight;
    private readonly Gauge _effectiveWeight;
    private readonly Gauge _clientConnections;
    private readonly Counter _clientConnectionsTotal;
    private readonly Counter _reloads;
    private readonly Lock _ownersGate = new();
    private readonly Dictionary<(string Pool, string Server), int> _owners = [];

    public TandemMetrics()
        : this(TimeProvider.System)
    {
    }

    public TandemMetrics(TimeProvider time)
    {
        Live = new LiveStats(time);
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("tandem_requests_total",
            "Requests answered, by pool, server and status class (server=\"none\" when no server was usable).",
            ["pool", "server", "code"]);
        _duration = factory.CreateHistogram("tandem_request_duration_seconds",
            "Time from receiving a request to the end of its response, by pool and server.",
            ["pool", "server"], new HistogramConfiguration { Buckets = DurationBuckets });
        _activeRequests = factory.CreateGauge("tandem_server_active_requests", "Requests in flight to a server.", ["pool", "server"]);
        _serverUp = factory.CreateGauge("tandem_server_up", "1 when a server may take new requests, else 0.", ["pool", "server", "state"]);
        _serverWeight = factory.CreateGauge("tandem_server_weight", "The weight in force (file or run-time).", ["pool", "server"]);
        _effectiveWeight = factory.CreateGauge("tandem_server_effective_weight", "The weight the balancer uses now.", ["pool", "server"]);
        _clientConnections = factory.CreateGauge("tandem_client_connections", "Open client connections, by listener.", ["listener"]);
        _clientConnectionsTotal = factory.CreateCounter("tandem_client_connections_total", "Client connections accepted, by listener.", ["listener"]);
        _reloads = factory.CreateCounter("tandem_config_reloads_total", "Config reloads, by result (applied, rejected).", ["result"]);
        _healthChanges = factory.CreateCounter("tandem_server_health_changes_total",
            "Changes of a server's usability (health checks, ejections, operators), by the state it changed to.", ["pool", "server", "state"]);
    }

    /// <summary>Counts a change of a server's usability to <paramref name="state"/>.</summary>
    public void HealthChanged(string pool, string server, string state) => _healthChanges.WithLabels(pool, server, state).Inc();

    public CollectorRegistry Registry { get; }

    /// <summary>Per-second samples of every pool and server for the dashboard and the alert rules; started by the node.</summary>
    public LiveStats Live { get; }

    /// <summary>Refreshes the state gauges from the pools before every scrape.</summary>
    public void ObservePools(PoolRegistry pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var pool in pools.Pools.Values)
            {
                foreach (var server in pool.Servers)
                {
                    _activeRequests.WithLabels(pool.Name, server.Name).Set(server.InFlight);
                    _serverWeight.WithLabels(pool.Name, server.Name).Set(server.Weight);
                    _effectiveWeight.WithLabels(pool.Name, server.Name).Set(server.EffectiveWeight);
                    foreach (var state in StateLabels)
                    {
                        _serverUp.WithLabels(pool.Name, server.Name, state).Set(server.StateName == state ? 1 : 0);
                    }
                }
            }
        });
    }

    private static readonly string[] StateLabels =
        [ServerStateNames.Up, ServerStateNames.Down, ServerStateNames.Draining, ServerStateNames.Disabled];

    public IServerTelemetry Create(string pool, string server) => Own(pool, server);

    public IServerTelemetry CreateUnrouted(string pool) => Own(pool, "none");

    /// <summary>
    /// Two telemetries can share one label set: a reload that moves a server to a new address creates the new server's
    /// telemetry before disposing the old one's. The series go only when their last owner is disposed.
    /// </summary>
    private ServerTelemetry Own(string pool, string server)
    {
        lock (_ownersGate)
        {
            _owners[(pool, server)] = _owners.GetValueOrDefault((pool, server)) + 1;
            return new ServerTelemetry(this, pool, server);
        }
    }

    /// <summary>The connection gauge and counter of a listener, resolved once.</summary>
    public ListenerTelemetry ForListener(string listener) =>
        new(_clientConnections.WithLabels(listener), _clientConnectionsTotal.WithLabels(listener));

    public void ReloadApplied() => _reloads.WithLabels("applied").Inc();

    public void ReloadRejected() => _reloads.WithLabels("rejected").Inc();

    internal Counter.Child RequestCounter(string pool, string server, string code) => _requests.WithLabels(pool, server, code);

    internal Histogram.Child DurationHistogram(string pool, string server) => _duration.WithLabels(pool, server);

    internal void RemoveServer(string pool, string server)
    {
        lock (_ownersGate)
        {
            var owners = _owners.GetValueOrDefault((pool, server)) - 1;
            if (owners > 0)
            {
                _owners[(pool, server)] = owners;
                return;
            }
            _owners.Remove((pool, server));
            Live.Remove(pool, server);
            foreach (var code in ServerTelemetry.CodeLabels)
            {
                _requests.RemoveLabelled(pool, server, code);
            }
            _duration.RemoveLabelled(pool, server);
            _activeRequests.RemoveLabelled(pool, server);
            _serverWeight.RemoveLabelled(pool, server);
            _effectiveWeight.RemoveLabelled(pool, server);
            foreach (var state in StateLabels)
            {
                _serverUp.RemoveLabelled(pool, server, state);
            }
        }
    }
}
