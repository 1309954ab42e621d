using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Health;
using Tandem.Core.Pools;

namespace Tandem.Proxy.LoadReports;

/// <summary>
/// Drives load-derived weights: slow-start ramps in every pool that has one, and for <c>dynamic-weighted</c> pools,
/// twice a second, it asks <see cref="DynamicWeights"/> for new weights from what
/// the proxy measured, and it polls each server's agent (<c>pools[].agent</c>) on its own interval in the background.
/// A report older than three intervals, or an agent that fails, no longer counts: the server falls back to the
/// weights the proxy's own measurements give. Never on the request path.
/// Concurrency: one loop; agent probes write their last report with a volatile reference swap.
/// </summary>
internal sealed partial class DynamicWeightsService : IAsyncDisposable
{
    internal static readonly TimeSpan Tick = DynamicWeights.Tick;

    private readonly PoolRegistry _pools;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DynamicWeights _weights = new();
    private readonly Dictionary<ServerState, AgentProbe> _probes = new(ReferenceEqualityComparer.Instance);
    private readonly HttpClient _agentClient;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _lastUpdate;

    public DynamicWeightsService(PoolRegistry pools, TimeProvider time, ILogger logger)
    {
        _pools = pools;
        _time = time;
        _logger = logger;
        _agentClient = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _loop = RunAsync(_stop.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Update(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.UpdateFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One tick: start due agent probes, then recompute every dynamic pool's weights.</summary>
    internal void Update(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var elapsed = _lastUpdate == 0 ? Tick : _time.GetElapsedTime(_lastUpdate, now);
        _lastUpdate = now;
        var pools = _pools.Pools.Values;
        var live = new HashSet<ServerState>(ReferenceEqualityComparer.Instance);
        foreach (var pool in pools)
        {
            if (pool.Config.Algorithm != BalancingAlgorithms.DynamicWeighted)
            {
                if (pool.Config.SlowStart is not null)
                {
                    SlowStart.Apply(pool);
                }
                continue;
            }
            var agent = pool.Config.Agent;
            foreach (var server in pool.Servers)
            {
                live.Add(server);
                if (agent is null)
                {
                    continue;
                }
                if (!_probes.TryGetValue(server, out var probe) || probe.Config != agent)
                {
                    probe?.Stop();
                    _probes[server] = new AgentProbe(server, agent, _agentClient, _time, _logger, cancellationToken);
                }
            }
            foreach (var server in pool.Servers)
            {
                server.ReportAgentLoad(_probes.TryGetValue(server, out var probe) ? probe.FreshReport()?.LoadPercent : null);
            }
            _weights.Update(pool, server => _probes.TryGetValue(server, out var p) ? p.FreshReport() : null, elapsed);
        }
        foreach (var server in _probes.Keys.ToList())
        {
            if (!live.Contains(server))
            {
                _probes[server].Stop();
                _probes.Remove(server);
            }
        }
        _weights.Retain(pools);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        foreach (var probe in _probes.Values)
        {
            await probe.StopAsync();
        }
        _agentClient.Dispose();
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Error, Message = "Updating dynamic weights failed")]
        public static partial void UpdateFailed(ILogger logger, Exception exception);
    }
}
