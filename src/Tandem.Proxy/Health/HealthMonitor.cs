using Microsoft.Extensions.Logging;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Telemetry;

namespace Tandem.Proxy.Health;

/// <summary>
/// The node's health bookkeeping off the request path: runs the active checks (<see cref="ActiveHealthChecker"/>),
/// readmits servers whose passive ejection is over (a sweep every 200 ms), and logs and counts every change of a server's usability once, with its reason, for every pool the
/// runtime applies. Concurrency: one sweep loop; <see cref="Watch"/> is called under the runtime's apply gate.
/// </summary>
internal sealed class HealthMonitor : IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(200);

    private readonly PoolRegistry _pools;
    private readonly IDataPlaneTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ActiveHealthChecker _active;

    public HealthMonitor(PoolRegistry pools, IDataPlaneTelemetry telemetry, TimeProvider time, ILogger logger)
    {
        _pools = pools;
        _telemetry = telemetry;
        _logger = logger;
        _active = new ActiveHealthChecker(pools, time, logger);
        _loop = RunAsync(time, _stop.Token);
    }

    /// <summary>
    /// After a config apply: starts logging the health changes of the freshly applied pools (each <see cref="PoolState"/>
    /// once) and brings the active checks in line with the config.
    /// </summary>
    public void Watch(IEnumerable<PoolState> pools)
    {
        foreach (var pool in pools)
        {
            pool.HealthChanged += OnHealthChanged;
        }
        _active.Reconcile();
    }

    private void OnHealthChanged(PoolState pool, ServerState server, HealthChange change)
    {
        if (change.Usable)
        {
            HealthLog.BecameUsable(_logger, pool.Name, server.Name, change.State, change.Reason);
        }
        else
        {
            HealthLog.BecameUnusable(_logger, pool.Name, server.Name, change.State, change.Reason);
        }
        _telemetry.HealthChanged(pool.Name, server.Name, change.State);
    }

    private async Task RunAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    foreach (var pool in _pools.Pools.Values)
                    {
                        OutlierDetector.Sweep(pool);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    HealthLog.SweepFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _active.DisposeAsync();
        _stop.Dispose();
    }
}
