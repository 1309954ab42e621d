using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.AccessLog;
using Tandem.Forecasting;
using Tandem.Hosting.Handover;
using Tandem.Observability.Admin;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Pair;
using Tandem.Pair.Vip;
using Tandem.Proxy;
using Tandem.Proxy.Dns;
using Tandem.Proxy.Listeners;

namespace Tandem.Hosting;

/// <summary>
/// One running Tandem node: the admin listener (a small ASP.NET app) and the data plane (<see cref="ProxyRuntime"/>),
/// wired together. <see cref="StartAsync"/> fails with <see cref="NodeStartException"/> when a port cannot be bound.
/// </summary>
internal sealed partial class TandemNode : IAsyncDisposable
{
    private readonly WebApplication _admin;
    private readonly AdminAccess _access;
    private ConfigWatcher? _watcher;
    private AccessLogReopener? _reopener;
    private VipService? _vip;

    private ForecastServices? _forecast;
    private HandoverServer? _handover;
    private readonly CancellationTokenSource _warmupStop = new();
    private Task _warmup = Task.CompletedTask;
    private int _stopped;

    /// <summary>How long a node that handed its sockets over lets clients move before it drains (see <see cref="StopAsync"/>).</summary>
    private static readonly TimeSpan HandoverMinimumWait = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan HandoverMaximumWait = TimeSpan.FromSeconds(5);

    private TandemNode(WebApplication admin, AdminAccess access, ProxyRuntime runtime, NodeStatus status, TandemMetrics metrics, IPEndPoint adminEndPoint,
        PairHealth pairHealth, AlertingService alerting)
    {
        PairHealth = pairHealth;
        Alerting = alerting;
        _admin = admin;
        _access = access;
        Runtime = runtime;
        Status = status;
        Metrics = metrics;
        AdminEndPoint = adminEndPoint;
    }

    public ProxyRuntime Runtime { get; }

    public NodeStatus Status { get; }

    /// <summary>Alert rules, webhooks and the node's CPU/memory sampler.</summary>
    public AlertingService Alerting { get; }

    public TandemMetrics Metrics { get; }

    public PoolRegistry Pools => Runtime.Pools;

    /// <summary>The access log; null when the config asks for none.</summary>
    public AccessLogWriter? AccessLog { get; private init; }
    /// <summary>The VIP failover when <c>pair.vip</c> is set: its <see cref="VipService.State"/> is this node's VRRP role.</summary>
    public VipService? Vip => _vip;

    /// <summary>The scale-ahead planner's outlook per pool (empty without <c>forecast</c> in the config).</summary>
    public ForecastSignals Forecast { get; private init; } = new();

    /// <summary>Which log lines are written; a reload applies the config's <c>logging</c> levels to it.</summary>
    internal LogLevels? LogLevels { get; private init; }

    /// <summary>The pair's state for the admin API and alerts; standalone without a <c>pair</c> section.</summary>
    public PairHealth PairHealth { get; }

    /// <summary>The pair channel; null without a <c>pair</c> section.</summary>
    public PairService? Pair { get; private set; }

    public ILogger Logger => _admin.Services.GetRequiredService<ILogger<TandemNode>>();

    /// <summary>The admin listener's bound address.</summary>
    public IPEndPoint AdminEndPoint { get; }

    /// <summary>Fires when the node was asked to stop (SIGINT, SIGTERM or <see cref="IHostApplicationLifetime.StopApplication"/>).</summary>
    public CancellationToken Stopping => _admin.Lifetime.ApplicationStopping;

    public IHostApplicationLifetime Lifetime => _admin.Lifetime;

    /// <summary>Validates and applies a changed config; a bad one is refused and the running config keeps serving.</summary>
    internal async Task<bool> ApplyReloadAsync(ConfigLoadResult loaded)
    {
        SystemdNotify.Reloading();
        try
        {
            return await ReloadAsync(loaded);
        }
        finally
        {
            SystemdNotify.Ready($"serving config version {Status.Config?.Version}");
        }
    }

    private async Task<bool> ReloadAsync(ConfigLoadResult loaded)
    {
        var logger = Logger;
        var current = Status.Config!;
        loaded = await BackendNameCheck.CheckAsync(loaded, Stopping);
        if (!loaded.IsValid)
        {
            var lines = new List<string>(loaded.Problems.Count);
            foreach (var problem in loaded.Problems)
            {
                lines.Add(problem.ToString());
                HostLog.ReloadProblem(logger, problem.ToString());
            }
            HostLog.ReloadRejected(logger, loaded.Problems.Count, current.Version);
            Status.Rejected(null, lines);
            Metrics.ReloadRejected();
            return false;
        }

        var next = loaded.Config!;
        try
        {
            await Runtime.ApplyAsync(next, Stopping);
        }
        catch (ListenerStartException ex)
        {
            HostLog.ReloadProblem(logger, ex.Message);
            HostLog.ReloadRejected(logger, 1, current.Version);
            Status.Rejected(next.Version, [ex.Message]);
            Metrics.ReloadRejected();
            return false;
        }
        if ((next.Admin?.Bind ?? ConfigDefaults.AdminBind) != (current.Admin?.Bind ?? ConfigDefaults.AdminBind))
        {
            HostLog.AdminBindNeedsRestart(logger, AdminEndPoint);
        }
        if (next.AccessLog != current.AccessLog)
        {
            ObservabilityLog.NeedsRestart(logger, "access-log");
        }
        LogLevels?.Apply(next.Logging);
        if (next.Logging?.Format != current.Logging?.Format)
        {
            ObservabilityLog.NeedsRestart(logger, "logging.format");
        }
        if (next.Metrics != current.Metrics)
        {
            ObservabilityLog.NeedsRestart(logger, "metrics");
        }
        try
        {
            _access.Reload(next.Admin);
        }
        catch (InvalidOperationException ex)
        {
            // Validation read the file a moment ago; if it went away since, the old token stays in force.
            HostLog.ReloadProblem(logger, ex.Message);
        }
        Status.Applied(next, Runtime.Listeners);
        await Alerting.ConfigureAsync(next);
        Metrics.ReloadApplied();
        HostLog.Reloaded(logger, next.Version, current.Version);
        Pair?.ConfigApplied();
        return true;
    }

    /// <summary>Drains the data plane, then stops the admin listener.</summary>
    /// <returns>False when in-flight requests had to be cut off at the drain timeout.</returns>
    public async Task<bool> StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return true;
        }
        SystemdNotify.Stopping();
        await _warmupStop.CancelAsync();
        await _warmup;
        if (_handover is { HandedOver: true })
        {
            // The successor accepts every new connection now. Let clients leave this process between requests rather
            // than have the drain close idle connections under them (see ProxyRuntime.WindDownConnectionsAsync).
            var drain = Status.Config?.DrainTimeout ?? ConfigDefaults.DrainTimeout;
            await Runtime.WindDownConnectionsAsync(HandoverMinimumWait, drain < HandoverMaximumWait ? drain : HandoverMaximumWait);
        }
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }
        if (_vip is not null)
        {
            // Give the VIP away before draining, so the peer takes new connections while ours finish.
            await _vip.HandOverAsync();
        }
        if (Pair is not null)
        {
            await Pair.StopAsync();
        }
        var drained = await Runtime.StopAsync();
        await Alerting.DisposeAsync();
        _reopener?.Dispose();
        await DisposeAccessLogAsync(AccessLog);
        if (_vip is not null)
        {
            await _vip.DisposeAsync();
        }

        _forecast?.Dispose();
        await _admin.StopAsync(CancellationToken.None);
        Metrics.Live.Dispose();
        if (_handover is not null)
        {
            // Last: closing the control connection tells a successor that the pair channel and the VIP are free.
            await _handover.DisposeAsync();
        }
        return drained;
    }

    /// <summary>Runs the warm-up behind the running listeners (see <see cref="ProxyRuntime.WarmUpAsync"/>); stopped by <see cref="StopAsync"/>.</summary>
    private void StartWarmup(TimeSpan budget)
    {
        var token = _warmupStop.Token;
        _warmup = Task.Run(async () =>
        {
            try
            {
                await Runtime.WarmUpAsync(budget, token);
            }
            catch (OperationCanceledException)
            {
                // Stopped before it finished.
            }
        }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Runtime.DisposeAsync();
        await _admin.DisposeAsync();
        _warmupStop.Dispose();
    }

    private static async Task DisposeAccessLogAsync(AccessLogWriter? accessLog)
    {
        if (accessLog is not null)
        {
            await accessLog.DisposeAsync();
        }
    }
}

/// <summary>A port could not be bound at startup; the message names the listener and the address.</summary>
internal sealed class NodeStartException(string message, Exception inner) : Exception(message, inner);
