using System.Net;
using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Config.Policies;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Caching;
using Tandem.Proxy.Caching.Redis;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Dns;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Forwarding.Http11;
using Tandem.Proxy.Health;
using Tandem.Proxy.Listeners;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.LoadReports;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Routing;
using Tandem.Proxy.Selection;
using Tandem.Proxy.Streams;
using Tandem.Proxy.Tls;
using Tandem.Proxy.Tls.Acme;
using Tandem.Proxy.Warmup;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy;

/// <summary>
/// The data plane of one node: its listeners, the pools they serve and the upstream clients. Applying a config is
/// all or nothing: listeners that need a new socket or new limits are bound first (inactive); only when every bind
/// succeeded are the pools replaced, listeners pointed at them and the new listeners activated. Listeners replaced
/// or removed drain in the background.
/// Concurrency: <see cref="ApplyAsync"/> and <see cref="StopAsync"/> are serialized; requests read immutable route tables.
/// </summary>
public sealed class ProxyRuntime : IAsyncDisposable, ICacheAdmin
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PoolRegistry _pools;
    private readonly ListenerServices _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<Task> _retiring = [];
    private readonly DynamicWeightsService _dynamicWeights;
    private readonly HealthMonitor _health;
    private readonly NameRefresher _names;
    private readonly CancellationTokenSource _sweepStop = new();
    private readonly Task _stickySweep;
    private readonly MemoryTrimmer _memory;
    private readonly ProcessLag? _lag;
    private readonly HttpClient _policyHttp;
    private readonly PolicyServices _policyServices;
    private PolicyCompiler? _policies;
    private readonly StreamListeners _streams;
    private FrozenDictionary<string, PoolTarget> _targets = FrozenDictionary<string, PoolTarget>.Empty;
    private Dictionary<string, ListenerHost> _listeners = new(StringComparer.Ordinal);
    private readonly AcmeService _acme;
    private TimeSpan _drainTimeout = ConfigDefaults.DrainTimeout;
    private bool _stopped;
    private readonly Func<CacheConfig, ISharedCacheTier?>? _sharedCacheTier;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ICacheTelemetry _cacheTelemetry;
    private HttpCache? _cache;

    /// <summary>
    /// A data plane over <paramref name="pools"/>, reporting its listeners' requests, queues and health changes to
    /// <paramref name="telemetry"/> (metrics and the access log).
    /// <paramref name="holdsVip"/>: the node runs a VIP, so listening sockets keep answering after the address moves away.
    /// <paramref name="sockets"/>: where listening sockets come from, and where a successor finds them (see <see cref="ListenSocketRegistry"/>).
    /// <paramref name="ranLateSince"/>: whether this process ran late since a timestamp; by default a <see cref="ProcessLag"/> probe.
    /// </summary>
    public ProxyRuntime(PoolRegistry pools, IDataPlaneTelemetry telemetry, IHttpForwarder forwarder, TimeProvider time,
        ILoggerFactory loggerFactory, IServiceProvider applicationServices, bool holdsVip = false, ListenSocketRegistry? sockets = null,
        Func<CacheConfig, ISharedCacheTier?>? sharedCacheTier = null, Func<long, bool>? ranLateSince = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(telemetry);
        _pools = pools;
        _time = time;
        _sharedCacheTier = sharedCacheTier;
        CachePurges.ApplyLocal = PurgeLocal;
        _cacheTelemetry = telemetry.Cache;
        _logger = loggerFactory.CreateLogger<ProxyRuntime>();
        _loggerFactory = loggerFactory;
        var pipeline = new RequestPipeline(
            new ServerSelection(time, loggerFactory.CreateLogger<ServerSelection>()),
            new RequestForwarder(forwarder, time, loggerFactory.CreateLogger<RequestForwarder>(), ranLateSince ?? LateSince),
            time, loggerFactory.CreateLogger<RequestPipeline>());
        sockets ??= new ListenSocketRegistry();
        _services = new ListenerServices(new SharedSocketTransport(loggerFactory, sockets, transparent: holdsVip), pipeline, telemetry, time, loggerFactory, applicationServices);
        _streams = new StreamListeners(new StreamServices(sockets, telemetry, time, loggerFactory.CreateLogger("Tandem.Proxy.Streams")));
        telemetry.ObserveQueues(QueuedRequests);
        _dynamicWeights = new DynamicWeightsService(pools, time, loggerFactory.CreateLogger("Tandem.Proxy.LoadReports"));
        _health = new HealthMonitor(pools, telemetry, time, loggerFactory.CreateLogger("Tandem.Proxy.Health"));
        _names = new NameRefresher(time, loggerFactory.CreateLogger("Tandem.Proxy.Dns"));
        _stickySweep = SweepStickyTablesAsync(_sweepStop.Token);
        _memory = new MemoryTrimmer(time, _logger);
        _lag = ranLateSince is null ? ProcessLag.Start(time) : null;
        // Key sets and forward-auth answers: small, bounded, never through a proxy of the environment.
        _policyHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            MaxResponseContentBufferSize = 1024 * 1024,
        };
        RateLimits = new RateLimitLedger(() => Volatile.Read(ref _policies));
        _policyServices = new PolicyServices(time, telemetry.Policies, _policyHttp, loggerFactory.CreateLogger("Tandem.Proxy.Admission"));
        _acme = new AcmeService(_services.Challenges, time, SharedRandomSource.Instance, loggerFactory.CreateLogger("Tandem.Tls"), AcmeSharing);
    }

    public PoolRegistry Pools => _pools;

    /// <summary>The access policies of the config in force (the admin API's read view, tests); null before the first apply.</summary>
    internal PolicyCompiler? Policies => _policies;

    /// <summary>The access policies in force with their decisions (the admin API's <c>/api/policies</c>); empty before the first apply.</summary>
    public PoliciesReport PolicyReport() =>
        _policies is { } policies ? PolicyReporter.Report(policies) : new PoliciesReport("allow", [], 0);

    /// <summary>
    /// Which route of http listener <c>query.Listener</c> would serve the described request, and why the earlier ones
    /// would not, and whether its access policies would let it through (the admin API's <c>/api/explain?listener=...</c>);
    /// null when there is no such http listener.
    /// </summary>
    public async Task<RouteExplanation?> ExplainRouteAsync(RouteQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _listeners.TryGetValue(query.Listener, out var host)
            ? await RouteExplainer.ExplainWithAccessAsync(host.Pipeline.Config, host.Pipeline.Routes, query, _policies?.Default ?? DefaultPolicy.Allow)
            : null;
    }

    /// <summary>
    /// Whether a connection (or UDP flow) from <paramref name="client"/> would pass tcp, udp or tls-passthrough listener
    /// <paramref name="listener"/>'s policies (the admin API's <c>/api/explain?listener=NAME&amp;client=...</c>); null
    /// when there is no such listener.
    /// </summary>
    public async Task<ConnectionExplanation?> ExplainConnectionAsync(string listener, IPAddress? client)
    {
        foreach (var stream in _streams.All)
        {
            if (stream.Settings.Config.Name == listener)
            {
                var protocol = stream.Settings.Config.Protocol switch
                {
                    ListenerProtocol.Udp => "udp",
                    ListenerProtocol.TlsPassthrough => "tls-passthrough",
                    _ => "tcp",
                };
                return new ConnectionExplanation(listener, protocol, await PolicyExplainer.ExplainConnectionAsync(stream.Settings.Admission, client));
            }
        }
        return null;
    }

    /// <summary>The rate limiters' spending, for the pair to exchange with the peer's.</summary>
    public IRateLimitLedger RateLimits { get; }

    /// <summary>Requests waiting in each pool's queue (read at scrape time).</summary>
    private IEnumerable<KeyValuePair<string, int>> QueuedRequests()
    {
        foreach (var (name, target) in _targets)
        {
            yield return new KeyValuePair<string, int>(name, target.Queue.Waiting);
        }
    }

    /// <summary>Every TLS listener with the certificates it serves, in name order.</summary>
    public IReadOnlyList<TlsListenerStatus> TlsCertificates
    {
        get
        {
            var list = new List<TlsListenerStatus>();
            foreach (var host in _listeners.Values)
            {
                if (host.Tls is { } tls)
                {
                    list.Add(tls.Status());
                }
            }
            list.Sort((a, b) => string.CompareOrdinal(a.Listener, b.Listener));
            return list;
        }
    }

    /// <summary>The running listeners: name, pool and the address actually bound.</summary>
    public IReadOnlyList<ListenerStatus> Listeners
    {
        get
        {
            var snapshot = _listeners;
            var list = new List<ListenerStatus>(snapshot.Count);
            foreach (var host in snapshot.Values)
            {
                list.Add(new ListenerStatus(host.Config.Name, host.Config.Pool, host.BoundEndPoint.ToString()));
            }
            foreach (var stream in _streams.All)
            {
                list.Add(new ListenerStatus(stream.Settings.Config.Name, stream.Settings.Config.Pool, stream.BoundEndPoint.ToString()));
            }
            return list;
        }
    }

    /// <summary>
    /// Runs the request path on loopback until the JIT has settled (at most <paramref name="budget"/>), so that the
    /// requests of a node that has been idle since it started (a standby that takes over its peer's traffic) already
    /// run optimized code. It runs the kinds of listener the node has (plain HTTP, TLS or both). It stops early once a
    /// listener serves a real request.
    /// </summary>
    public Task<WarmupResult> WarmUpAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var before = RequestsServed();
        var paths = WarmupPaths.None;
        foreach (var host in _listeners.Values)
        {
            paths |= host.Config.Tls is null ? WarmupPaths.Plain : WarmupPaths.Tls;
        }
        return JitWarmup.RunAsync(_services, paths, budget, () => RequestsServed() != before, _logger, cancellationToken);
    }

    /// <summary>Requests sent to any server of any pool so far (a few reads per call; not for the request path).</summary>
    private long RequestsServed()
    {
        long total = 0;
        foreach (var pool in _pools.Pools.Values)
        {
            foreach (var server in pool.Servers)
            {
                total += server.Requests;
            }
        }
        return total;
    }

    /// <summary>Applies a validated config. Throws <see cref="ListenerStartException"/> (nothing changed) when a listener cannot bind.</summary>
    public async Task ApplyAsync(TandemConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var next = new Dictionary<string, ListenerHost>(StringComparer.Ordinal);
            var started = new List<ListenerHost>();
            PendingStreams? streams = null;
            try
            {
                streams = _streams.Prepare(config);
                foreach (var listener in config.Listeners)
                {
                    if (listener.Protocol != ListenerProtocol.Http)
                    {
                        continue;
                    }
                    if (_listeners.TryGetValue(listener.Name, out var existing) && existing.CanReroute(listener))
                    {
                        next[listener.Name] = existing;
                        continue;
                    }
                    ListenerHost host;
                    try
                    {
                        host = await ListenerHost.StartAsync(listener, _services, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw new ListenerStartException(listener.Name, listener.Bind.ToString(), ex);
                    }
                    started.Add(host);
                    next[listener.Name] = host;
                }
            }
            catch
            {
                if (streams is not null)
                {
                    StreamListeners.Abort(streams);
                }
                foreach (var host in started)
                {
                    await host.StopAsync(TimeSpan.Zero, _time);
                }
                throw;
            }

            // Every bind succeeded. ACME certificates already issued reach new listeners before they take connections.
            AcmeSharing.PairExpected = config.Pair is not null;
            await _acme.AttachAsync(config.DataDir ?? ConfigDefaults.DataDir, next.Values.Select(h => h.Tls).OfType<ListenerTls>());
            // Resolve new server names, then commit.
            await _names.ResolveAsync(config, cancellationToken);
            var pools = _pools.Apply(config.Pools);
            await _names.WatchAsync(config, pools.Values);
            _health.Watch(pools.Values);
            var oldTargets = _targets;
            _targets = BuildTargets(pools, oldTargets);
            var policies = new PolicyCompiler(config, _policyServices, _policies);
            _policies = policies;
            var drain = config.DrainTimeout ?? ConfigDefaults.DrainTimeout;
            var (cache, replacedCache) = CacheFor(config);
            _streams.Commit(streams, config, pools, policies, drain);
            foreach (var listener in config.Listeners)
            {
                if (listener.Protocol != ListenerProtocol.Http)
                {
                    continue;
                }
                var host = next[listener.Name];
                var routes = RouteTable.For(listener, _targets, policies, trustedProxies: config.TrustedProxies, cache: cache);
                if (started.Contains(host))
                {
                    host.Activate(routes);
                    ProxyLog.ListenerStarted(_logger, listener.Name, listener.Pool, host.BoundEndPoint);
                }
                else
                {
                    var rerouted = !string.Equals(host.Config.Pool, listener.Pool, StringComparison.Ordinal);
                    host.Pipeline.Update(listener, routes);
                    if (rerouted)
                    {
                        ProxyLog.ListenerRerouted(_logger, listener.Name, listener.Pool);
                    }
                }
            }

            foreach (var (name, host) in _listeners)
            {
                if (!next.TryGetValue(name, out var kept) || !ReferenceEquals(kept, host))
                {
                    _retiring.Add(RetireAsync(host, drain));
                }
            }
            _listeners = next;
            _drainTimeout = drain;
            RetireClients(oldTargets, _targets, drain);
            if (replacedCache is not null)
            {
                _retiring.Add(RetireCacheAsync(replacedCache, drain));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The cache the config's routes use: the running one while <c>cache</c> keeps its settings (its objects stay), a new
    /// one when they change or a route caches for the first time, none when no route caches. The replaced one is returned
    /// to be disposed once the requests that hold it are over.
    /// </summary>
    private (HttpCache? Cache, HttpCache? Replaced) CacheFor(TandemConfig config)
    {
        var wanted = config.Cache ?? (CachesAnyRoute(config) ? new CacheConfig() : null);
        var current = _cache;
        if (wanted is null || !CachesAnyRoute(config))
        {
            _cache = null;
            return (null, current);
        }
        if (current is not null && SameStorage(current.Config, wanted))
        {
            return (current, null);
        }
        ISharedCacheTier? shared = null;
        if (wanted.Redis is { Count: > 0 })
        {
            shared = _sharedCacheTier is null ? StartRedis(wanted) : _sharedCacheTier(wanted);
            if (shared is null)
            {
                CacheLog.NoSharedTier(_logger);
            }
        }
        _cache = new HttpCache(wanted, shared, _time, _cacheTelemetry, _logger);
        return (_cache, current);
    }

    /// <summary>The Redis tier of <c>cache.redis</c> (one endpoint: standalone; several: a cluster), connecting in the background.</summary>
    private RedisCacheTier StartRedis(CacheConfig cache)
    {
        var endpoints = new string[cache.Redis!.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            endpoints[i] = cache.Redis[i].ToString();
        }
        return RedisCacheTier.Start(new RedisCacheTierOptions { Endpoints = endpoints, OperationTimeout = cache.RedisTimeout }, _loggerFactory, _time);
    }

    private static bool CachesAnyRoute(TandemConfig config)
    {
        foreach (var listener in config.Listeners)
        {
            foreach (var route in listener.Routes ?? [])
            {
                if (route.Cache is not null)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool SameStorage(CacheConfig a, CacheConfig b) =>
        a.Memory == b.Memory && a.MaxObject == b.MaxObject && a.RedisTimeout == b.RedisTimeout
        && string.Equals(a.TagHeader, b.TagHeader, StringComparison.OrdinalIgnoreCase)
        && (a.Redis ?? []).SequenceEqual(b.Redis ?? []);

    private async Task RetireCacheAsync(HttpCache cache, TimeSpan drain)
    {
        await Task.Delay(drain, _time);
        await cache.DisposeAsync();
    }

    /// <inheritdoc />
    public CacheStoreStats? Stats => Volatile.Read(ref _cache)?.Stats();

    /// <summary>The node's HTTP cache while a route caches (tests look into its tiers).</summary>
    internal HttpCache? Cache => Volatile.Read(ref _cache);

    /// <inheritdoc />
    public async ValueTask<CachePurgeResult?> PurgeAsync(CachePurgeScope scope, string value, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _cache) is not { } cache)
        {
            return null;
        }
        var purge = scope switch
        {
            CachePurgeScope.Url => new CachePurge(CachePurgeKind.Key, CacheKeys.FromUrl(value)),
            CachePurgeScope.Prefix => new CachePurge(CachePurgeKind.Prefix, CacheKeys.FromUrl(value)),
            _ => new CachePurge(CachePurgeKind.Tag, value),
        };
        var (memory, shared) = await cache.PurgeAsync(purge, cancellationToken);
        if (cache.Shared is null)
        {
            // No shared tier tells the other node: the pair does, when there is one.
            CachePurges.Report(new CachePurgeOrder(scope, purge.Value));
        }
        return new CachePurgeResult(purge.Value, memory, shared);
    }

    /// <summary>
    /// Operators' purges that no shared tier carries (reported for the pair to send to the other node), and where the
    /// peer's purges are applied to this node's memory tier.
    /// </summary>
    public CachePurges CachePurges { get; } = new();

    /// <summary>Where the pair shares ACME certificates (one node orders, both serve).</summary>
    public AcmeSharing AcmeSharing { get; } = new();

    /// <summary>Whether this process ran late since <paramref name="timestamp"/> (see <see cref="ProcessLag"/>).</summary>
    private bool LateSince(long timestamp) => _lag?.LateSince(timestamp) ?? false;

    /// <summary>Drops what <paramref name="order"/> selects from this node's memory tier only (a purge the pair peer sent).</summary>
    private int PurgeLocal(CachePurgeOrder order)
    {
        var kind = order.Scope switch
        {
            CachePurgeScope.Url => CachePurgeKind.Key,
            CachePurgeScope.Prefix => CachePurgeKind.Prefix,
            _ => CachePurgeKind.Tag,
        };
        return Volatile.Read(ref _cache)?.PurgeLocal(new CachePurge(kind, order.Selector)) ?? 0;
    }

    /// <summary>
    /// Before a stop after a handover (another process accepts now): every response closes its connection, so
    /// keep-alive clients move to the new process with their next request instead of having an idle connection closed
    /// under them. Returns once no client connection is open, or after <paramref name="bound"/> (at least
    /// <paramref name="minimum"/>, for connections accepted a moment ago to send their request).
    /// </summary>
    public async Task WindDownConnectionsAsync(TimeSpan minimum, TimeSpan bound)
    {
        var listeners = _listeners;
        foreach (var host in listeners.Values)
        {
            host.Pipeline.CloseConnectionsAfterResponse();
        }
        var start = _time.GetTimestamp();
        await Task.Delay(minimum, _time);
        while (_time.GetElapsedTime(start) < bound)
        {
            long open = 0;
            foreach (var host in listeners.Values)
            {
                open += host.OpenConnections;
            }
            if (open == 0)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time);
        }
    }

    /// <summary>Stops every listener, letting in-flight requests finish within the drain timeout.</summary>
    /// <returns>False when some requests had to be cut off.</returns>
    public async Task<bool> StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_stopped)
            {
                return true;
            }
            _stopped = true;
            await _acme.DisposeAsync();
            if (Interlocked.Exchange(ref _cache, null) is { } cache)
            {
                await cache.DisposeAsync();
            }
            var stops = new List<Task<bool>>();
            foreach (var host in _listeners.Values)
            {
                stops.Add(StopOneAsync(host, _drainTimeout));
            }
            stops.Add(_streams.StopAsync(_drainTimeout));
            var results = await Task.WhenAll(stops);
            await Task.WhenAll(_retiring);
            foreach (var target in _targets.Values)
            {
                target.Client.Dispose();
            }
            _listeners = new Dictionary<string, ListenerHost>(StringComparer.Ordinal);
            return Array.TrueForAll(results, r => r);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _sweepStop.CancelAsync();
        _memory.Dispose();
        if (_lag is not null)
        {
            await _lag.DisposeAsync();
        }
        await _stickySweep;
        _sweepStop.Dispose();
        await _dynamicWeights.DisposeAsync();
        await _health.DisposeAsync();
        await _names.DisposeAsync();
        _policyHttp.Dispose();
        _gate.Dispose();
    }

    /// <summary>Once a second, forgets expired sticky clients and keeps each table within its size.</summary>
    private async Task SweepStickyTablesAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var pool in _pools.Pools.Values)
                {
                    pool.StickyTable?.Sweep(now);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private static FrozenDictionary<string, PoolTarget> BuildTargets(FrozenDictionary<string, PoolState> pools, FrozenDictionary<string, PoolTarget> old)
    {
        var targets = new Dictionary<string, PoolTarget>(pools.Count, StringComparer.Ordinal);
        foreach (var (name, pool) in pools)
        {
            var settings = UpstreamSettings.From(pool.Config);
            var keep = old.TryGetValue(name, out var previous) && previous.Upstream == settings;
            var client = keep ? previous!.Client : UpstreamClientFactory.Create(settings);
            var http11 = keep ? previous!.Http11 : Http11Upstream.CreateFor(settings, pool.Context.Time);
            var target = new PoolTarget(pool, client, settings, http11);
            pool.ObserveQueue(() => target.Queue.Waiting);
            targets[name] = target;
        }
        return targets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Disposes upstream clients no route uses any more, after requests still using them had time to finish.</summary>
    private void RetireClients(FrozenDictionary<string, PoolTarget> old, FrozenDictionary<string, PoolTarget> current, TimeSpan drain)
    {
        var inUse = new HashSet<HttpMessageInvoker>(ReferenceEqualityComparer.Instance);
        foreach (var target in current.Values)
        {
            inUse.Add(target.Client);
        }
        foreach (var target in old.Values)
        {
            if (inUse.Add(target.Client))
            {
                var client = target.Client;
                var http11 = target.Http11;
                _retiring.Add(Task.Delay(drain, _time).ContinueWith(_ =>
                {
                    client.Dispose();
                    http11?.Dispose();
                }, TaskScheduler.Default));
            }
        }
        _retiring.RemoveAll(t => t.IsCompleted);
    }

    private async Task RetireAsync(ListenerHost host, TimeSpan drain)
    {
        await StopOneAsync(host, drain);
    }

    private async Task<bool> StopOneAsync(ListenerHost host, TimeSpan drain)
    {
        var drained = await host.StopAsync(drain, _time);
        if (!drained)
        {
            ProxyLog.DrainTimedOut(_logger, host.Config.Name, drain);
        }
        ProxyLog.ListenerStopped(_logger, host.Config.Name);
        return drained;
    }
}
