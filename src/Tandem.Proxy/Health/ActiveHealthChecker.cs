using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Proxy.Tls;

namespace Tandem.Proxy.Health;

/// <summary>
/// Active health checks: one probe loop per server of every pool with <c>health</c>, each on its own jittered
/// interval (±10%, so a fleet does not probe in lockstep) and on <c>fall-interval</c> while failing or down. Verdicts
/// follow <see cref="ActiveHealthPolicy"/> and go through <see cref="PoolState.SetHealth"/>, the one place that changes
/// them. <see cref="Reconcile"/> after every config apply starts loops for new servers or changed checks and stops
/// the others. Concurrency: Reconcile is serialized by the runtime's apply gate; each loop touches only its server.
/// </summary>
internal sealed class ActiveHealthChecker(PoolRegistry pools, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly PoolRegistry _pools = pools;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;
    private readonly Dictionary<ServerState, Loop> _loops = new(ReferenceEqualityComparer.Instance);
    private readonly HttpClient _client = CreateClient(null);

    // Pools with TLS to their servers probe with the same TLS settings; one client per distinct setting.
    private readonly Dictionary<UpstreamTlsConfig, HttpClient> _tlsClients = [];

    private static HttpClient CreateClient(UpstreamTlsConfig? tls)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        if (tls is not null)
        {
            handler.ConnectCallback = new UpstreamTls(tls).ConnectAsync;
        }
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private HttpClient ClientFor(UpstreamTlsConfig? tls)
    {
        if (tls is null)
        {
            return _client;
        }
        if (!_tlsClients.TryGetValue(tls, out var client))
        {
            client = CreateClient(tls);
            _tlsClients[tls] = client;
        }
        return client;
    }

    public void Reconcile()
    {
        var wanted = new Dictionary<ServerState, (PoolState Pool, HealthConfig Health)>(ReferenceEqualityComparer.Instance);
        foreach (var pool in _pools.Pools.Values)
        {
            if (pool.Config.Health is { } health)
            {
                foreach (var server in pool.Servers)
                {
                    wanted[server] = (pool, health);
                }
            }
        }
        foreach (var (server, loop) in _loops.ToList())
        {
            if (!wanted.TryGetValue(server, out var want) || want.Health != loop.Health || want.Pool.Config.Tls != loop.Tls)
            {
                loop.Stop();
                _loops.Remove(server);
                if (!wanted.ContainsKey(server) && server.Health == HealthStatus.Down)
                {
                    // Checks removed: nothing will bring the server back up any more, so it is up.
                    _pools.Find(loop.PoolName)?.SetHealth(server, HealthStatus.Up, "health checks removed");
                }
            }
        }
        foreach (var (server, (pool, health)) in wanted)
        {
            if (!_loops.ContainsKey(server))
            {
                _loops[server] = new Loop(this, pool.Name, server, health, pool.Config.Tls, ClientFor(pool.Config.Tls));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops.Values)
        {
            await loop.DisposeAsync();
        }
        _loops.Clear();
        _client.Dispose();
        foreach (var client in _tlsClients.Values)
        {
            client.Dispose();
        }
    }

    /// <summary>The probe loop of one server.</summary>
    private sealed class Loop : IAsyncDisposable
    {
        private readonly ActiveHealthChecker _owner;
        private readonly ServerState _server;
        private readonly HttpClient _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _task;

        public Loop(ActiveHealthChecker owner, string pool, ServerState server, HealthConfig health, UpstreamTlsConfig? tls, HttpClient client)
        {
            _owner = owner;
            PoolName = pool;
            _server = server;
            Health = health;
            Tls = tls;
            _client = client;
            _task = RunAsync(_stop.Token);
        }

        public string PoolName { get; }

        public HealthConfig Health { get; }

        public UpstreamTlsConfig? Tls { get; }

        /// <summary>Stops the loop without waiting for a probe in progress (it ends within its timeout).</summary>
        public void Stop() => _ = DisposeAsync().AsTask();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _task;
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            var time = _owner._time;
            var policy = new ActiveHealthPolicy(Health.Rise ?? ConfigDefaults.HealthRise, Health.Fall ?? ConfigDefaults.HealthFall);
            var interval = Health.Interval ?? ConfigDefaults.HealthInterval;
            var fallInterval = Health.FallInterval ?? interval;
            try
            {
                // A random first delay within one interval spreads the probes of many servers and nodes.
                await Task.Delay(Jitter(interval, 0, 1), time, cancellationToken);
                while (!cancellationToken.IsCancellationRequested)
                {
                    var (passed, detail) = await ServerProbe.RunAsync(_server, Health, _client, cancellationToken);
                    _server.RecordProbe(new ProbeResult(passed, detail, time.GetUtcNow()));
                    var flip = policy.Observe(passed, detail);
                    if (flip is not null && _owner._pools.Find(PoolName) is { } pool && ReferenceEquals(pool.FindServer(_server.Name), _server))
                    {
                        pool.SetHealth(_server, policy.Up ? HealthStatus.Up : HealthStatus.Down, flip);
                    }
                    var next = policy.Up && !policy.Failing ? interval : fallInterval;
                    await Task.Delay(Jitter(next, 0.9, 1.1), time, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                ActiveLog.LoopFailed(_owner._logger, PoolName, _server.Name, ex);
            }
        }

        private TimeSpan Jitter(TimeSpan interval, double low, double high)
        {
            var random = _owner._pools.Find(PoolName)?.Context.Random;
            var fraction = random is null ? 0.5 : random.NextInt(1000) / 1000.0;
            return interval * (low + ((high - low) * fraction));
        }
    }
}

internal static partial class ActiveLog
{
    [LoggerMessage(EventId = 1410, Level = LogLevel.Error, Message = "Health check loop of {Pool}/{Server} stopped unexpectedly")]
    public static partial void LoopFailed(ILogger logger, string pool, string server, Exception exception);
}
