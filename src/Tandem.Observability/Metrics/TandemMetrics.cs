using Prometheus;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.AccessLog;
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
    private readonly Gauge _stickyEntries;
    private readonly Counter _stickyRequests;
    private readonly Gauge _clientConnections;
    private readonly Counter _clientConnectionsTotal;
    private readonly Counter _reloads;
    private readonly Histogram _upstreamDuration;
    private readonly Histogram _overhead;
    private readonly Counter _requestBytes;
    private readonly Counter _responseBytes;
    private readonly Counter _retries;
    private readonly Counter _listenerRequests;
    private readonly Counter _routeRequests;
    private readonly Histogram _routeDuration;
    private readonly Gauge _listenerInFlight;
    private readonly Gauge _queued;
    private readonly Counter _accessLogDropped;
    private readonly Counter _accessLogLines;
    private readonly Dictionary<string, ListenerCounters> _listeners = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Listener, string Route), RouteCounters> _routes = [];
    private readonly Dictionary<string, StreamCounters> _streams = new(StringComparer.Ordinal);
    private readonly HashSet<string> _queuedPools = new(StringComparer.Ordinal);
    private long _accessLogDroppedCount;
    private readonly Lock _ownersGate = new();
    private readonly Dictionary<(string Pool, string Server), int> _owners = [];

    public TandemMetrics()
        : this(TimeProvider.System)
    {
    }

    public TandemMetrics(TimeProvider time)
        : this(time, null)
    {
    }

    /// <param name="time">The clock of the live figures.</param>
    /// <param name="config">The <c>metrics</c> section: per-request detail on or off, the method label; read once.</param>
    public TandemMetrics(TimeProvider time, MetricsConfig? config)
    {
        Enabled = config?.Enabled ?? true;
        MethodLabels = config?.MethodLabel ?? true ? ListenerTelemetry.MethodNames : ["any"];
        Time = time;
        Live = new LiveStats(time);
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Cache = new CacheMetrics(Registry);
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
        _stickyEntries = factory.CreateGauge("tandem_sticky_entries", "Clients a pool's sticky table remembers (sticky mode table).", ["pool"]);
        _stickyRequests = factory.CreateCounter("tandem_sticky_requests_total",
            "Requests of sticky clients: kept on their server (kept) or balanced afresh because it could not take them (moved).", ["pool", "outcome"]);
        _clientConnections = factory.CreateGauge("tandem_client_connections", "Open client connections, by listener.", ["listener"]);
        _clientConnectionsTotal = factory.CreateCounter("tandem_client_connections_total", "Client connections accepted, by listener.", ["listener"]);
        _reloads = factory.CreateCounter("tandem_config_reloads_total", "Config reloads, by result (applied, rejected).", ["result"]);
        _healthChanges = factory.CreateCounter("tandem_server_health_changes_total",
            "Changes of a server's usability (health checks, ejections, operators), by the state it changed to.", ["pool", "server", "state"]);
        _upstreamDuration = factory.CreateHistogram("tandem_upstream_duration_seconds",
            "The server's share of a request: the last attempt's exchange with the server, from sending the request to the end of the response body, by pool and server.",
            ["pool", "server"], new HistogramConfiguration { Buckets = DurationBuckets });
        _overhead = factory.CreateHistogram("tandem_proxy_overhead_seconds",
            "What the proxy added to a request: its whole duration less the server's share (picking, queueing, failed attempts, error answers), by pool and server.",
            ["pool", "server"], new HistogramConfiguration { Buckets = OverheadBuckets });
        _requestBytes = factory.CreateCounter("tandem_request_bytes_total",
            "Request body bytes forwarded (as declared by Content-Length), by pool and server.", ["pool", "server"]);
        _responseBytes = factory.CreateCounter("tandem_response_bytes_total",
            "Response body bytes sent to clients (as declared by Content-Length), by pool and server.", ["pool", "server"]);
        _retries = factory.CreateCounter("tandem_retries_total",
            "Attempts retried on another server, by pool and the failure that caused the retry.", ["pool", "reason"]);
        _listenerRequests = factory.CreateCounter("tandem_listener_requests_total",
            "Requests answered, by listener, method (GET, HEAD, POST, PUT, DELETE, other) and status class.", ["listener", "method", "code"]);
        _routeRequests = factory.CreateCounter("tandem_route_requests_total",
            "Requests answered, by listener, route (a name from the config) and status class.", ["listener", "route", "code"]);
        _routeDuration = factory.CreateHistogram("tandem_route_request_duration_seconds",
            "Time from receiving a request to the end of its response, by listener and route.",
            ["listener", "route"], new HistogramConfiguration { Buckets = DurationBuckets });
        _listenerInFlight = factory.CreateGauge("tandem_listener_requests_in_flight", "Requests being served, by listener.", ["listener"]);
        _queued = factory.CreateGauge("tandem_pool_queued_requests", "Requests waiting in a pool's queue for a server with room.", ["pool"]);
        _accessLogDropped = factory.CreateCounter("tandem_access_log_dropped_total", "Access log lines dropped because the writer fell behind.");
        _accessLogLines = factory.CreateCounter("tandem_access_log_lines_total", "Access log lines written.");
        _accessLogDropped.Publish();
        _accessLogLines.Publish();
        Registry.AddBeforeCollectCallback(() =>
        {
            lock (_listeners)
            {
                foreach (var (name, counters) in _listeners)
                {
                    _listenerInFlight.WithLabels(name).Set(Interlocked.Read(ref counters.InFlight));
                }
            }
        });
    }

    private static readonly double[] OverheadBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

    internal TimeProvider Time { get; }

    /// <summary>Whether per-request series are recorded (<c>metrics.enabled</c>).</summary>
    public bool Enabled { get; }

    /// <summary>The values of the <c>method</c> label, indexed as <see cref="ListenerTelemetry"/> classifies methods.</summary>
    internal string[] MethodLabels { get; }

    /// <summary>Access log lines dropped so far.</summary>
    public long AccessLogDroppedCount => Interlocked.Read(ref _accessLogDroppedCount);

    internal void AccessLogDropped()
    {
        Interlocked.Increment(ref _accessLogDroppedCount);
        _accessLogDropped.Inc();
    }

    internal void AccessLogWritten(int lines) => _accessLogLines.Inc(lines);

    /// <summary>
    /// Exports <c>tandem_pool_queued_requests</c> from <paramref name="read"/> (pool name, requests waiting) at every
    /// scrape; pools no longer listed lose their series.
    /// </summary>
    public void ObserveQueues(Func<IEnumerable<KeyValuePair<string, int>>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        Registry.AddBeforeCollectCallback(() =>
        {
            lock (_queuedPools)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (pool, waiting) in read())
                {
                    seen.Add(pool);
                    _queued.WithLabels(pool).Set(waiting);
                }
                foreach (var gone in _queuedPools)
                {
                    if (!seen.Contains(gone))
                    {
                        _queued.RemoveLabelled(gone);
                    }
                }
                _queuedPools.Clear();
                _queuedPools.UnionWith(seen);
            }
        });
    }

    /// <summary>Counts a change of a server's usability to <paramref name="state"/>.</summary>
    public void HealthChanged(string pool, string server, string state) => _healthChanges.WithLabels(pool, server, state).Inc();

    public CollectorRegistry Registry { get; }

    /// <summary>The HTTP cache's series (<c>tandem_cache_*</c>), and its counts for the admin API and the dashboard.</summary>
    public CacheMetrics Cache { get; }

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
                if (pool.Config.Sticky is not null)
                {
                    _stickyRequests.WithLabels(pool.Name, "kept").IncTo(pool.Sticky.Hits);
                    _stickyRequests.WithLabels(pool.Name, "moved").IncTo(pool.Sticky.Moves);
                }
                if (pool.StickyTable is { } table)
                {
                    _stickyEntries.WithLabels(pool.Name).Set(table.Count);
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
    /// <param name="listener">The listener's name.</param>
    /// <param name="accessLog">Where its requests are logged; null for none.</param>
    public ListenerTelemetry ForListener(string listener, AccessLogWriter? accessLog = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ListenerCounters counters;
        lock (_listeners)
        {
            if (!_listeners.TryGetValue(listener, out counters!))
            {
                counters = new ListenerCounters(MethodLabels.Length * ServerTelemetry.CodeLabels.Length);
                _listeners[listener] = counters;
            }
        }
        return new(this, listener, counters, _clientConnections.WithLabels(listener), _clientConnectionsTotal.WithLabels(listener), accessLog);
    }

    internal Counter.Child ListenerRequestCounter(string listener, int method, int code) =>
        _listenerRequests.WithLabels(listener, MethodLabels[method], ServerTelemetry.CodeLabels[code]);

    internal Counter.Child RouteRequestCounter(string listener, string route, string code) => _routeRequests.WithLabels(listener, route, code);

    /// <summary>The series of a route, shared by every generation of it; the first call also has the live rates track it.</summary>
    internal RouteCounters RouteCounters(string listener, string route)
    {
        lock (_routes)
        {
            if (!_routes.TryGetValue((listener, route), out var counters))
            {
                counters = new RouteCounters(_routeDuration.WithLabels(listener, route));
                _routes[(listener, route)] = counters;
                Live.Track(listener, route, counters.Read);
            }
            return counters;
        }
    }

    /// <summary>The plain counts of a layer-4 listener, shared by every generation of it; the first call has the live rates track it.</summary>
    internal StreamCounters StreamCounters(string listener, Func<StreamCounters, LiveTotals> read)
    {
        lock (_streams)
        {
            if (!_streams.TryGetValue(listener, out var counters))
            {
                counters = new StreamCounters();
                _streams[listener] = counters;
                var shared = counters;
                Live.Track(listener, null, () => read(shared));
            }
            return counters;
        }
    }

    internal Histogram.Child UpstreamHistogram(string pool, string server) => _upstreamDuration.WithLabels(pool, server);

    internal Histogram.Child OverheadHistogram(string pool, string server) => _overhead.WithLabels(pool, server);

    internal Counter.Child RequestBytes(string pool, string server) => _requestBytes.WithLabels(pool, server);

    internal Counter.Child ResponseBytes(string pool, string server) => _responseBytes.WithLabels(pool, server);

    internal Counter.Child RetryCounter(string pool, string reason) => _retries.WithLabels(pool, reason);

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
            _upstreamDuration.RemoveLabelled(pool, server);
            _overhead.RemoveLabelled(pool, server);
            _requestBytes.RemoveLabelled(pool, server);
            _responseBytes.RemoveLabelled(pool, server);
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
