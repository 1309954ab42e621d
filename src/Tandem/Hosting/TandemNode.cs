using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Forecasting;
using Tandem.Hosting.Handover;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Pair;
using Tandem.Pair.Vip;
using Tandem.Proxy;
using Tandem.Proxy.Tls;

namespace Tandem.Hosting;

/// <summary>
/// One running Tandem node: the admin listener (a small ASP.NET app) and the data plane (<see cref="ProxyRuntime"/>),
/// wired together. <see cref="StartAsync"/> fails with <see cref="NodeStartException"/> when a port cannot be bound.
/// </summary>
internal sealed partial class TandemNode : IAsyncDisposable
{
    /// <summary>How long a node that handed its sockets over lets clients move before it drains (see <see cref="StopAsync"/>).</summary>
    private static readonly TimeSpan HandoverMinimumWait = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan HandoverMaximumWait = TimeSpan.FromSeconds(5);

    private readonly ServiceProvider _shared;
    private readonly WebApplication _admin;
    private readonly CancellationTokenSource _warmupStop = new();
    private ConfigWatcher? _watcher;
    private AccessLogReopener? _reopener;
    private ForecastServices? _forecast;
    private HandoverServer? _handover;
    private Task _warmup = Task.CompletedTask;
    private int _stopped;

    private TandemNode(ServiceProvider shared, WebApplication admin, ProxyRuntime runtime, NodeStatus status, TandemMetrics metrics, PairHealth pairHealth,
        AlertingService alerting)
    {
        _shared = shared;
        _admin = admin;
        Runtime = runtime;
        Status = status;
        Metrics = metrics;
        PairHealth = pairHealth;
        Alerting = alerting;
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
    public VipService? Vip { get; private set; }

    /// <summary>The scale-ahead planner's outlook per pool (empty without <c>forecast</c> in the config).</summary>
    public ForecastSignals Forecast { get; private init; } = new();

    /// <summary>The certificates the TLS listeners serve (<c>/api/tls</c>, the expiry gauge and alert).</summary>
    public TlsStatus Tls { get; private init; } = new();

    /// <summary>The pair's state for the admin API and alerts; standalone without a <c>pair</c> section.</summary>
    public PairHealth PairHealth { get; }

    /// <summary>The pair channel; null without a <c>pair</c> section.</summary>
    public PairService? Pair { get; private set; }

    /// <summary>Applies changed configs; set once the admin listener is up.</summary>
    internal ReloadCoordinator Reloads { get; private set; } = null!;

    public ILogger Logger => _shared.GetRequiredService<ILogger<TandemNode>>();

    /// <summary>The admin listener's HTTPS (<c>admin.tls</c>); null when it speaks plain HTTP.</summary>
    public AdminListenerTls? AdminTls { get; private init; }

    /// <summary><c>https</c> with <c>admin.tls</c>, else <c>http</c>.</summary>
    public string AdminScheme => AdminTls is null ? "http" : "https";

    /// <summary>The admin listener's bound address.</summary>
    public IPEndPoint AdminEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>Fires when the node was asked to stop (SIGINT, SIGTERM or <see cref="IHostApplicationLifetime.StopApplication"/>).</summary>
    public CancellationToken Stopping => _admin.Lifetime.ApplicationStopping;

    public IHostApplicationLifetime Lifetime => _admin.Lifetime;

    /// <summary>Validates and applies a changed config; a bad one is refused and the running config keeps serving.</summary>
    internal Task<bool> ApplyReloadAsync(ConfigLoadResult loaded) => Reloads.ApplyAsync(loaded);

    /// <summary>The forecasting services while they run (for <c>/api/forecast</c>); null without a <c>forecast</c> section.</summary>
    private ForecastServices? RunningForecast() => _forecast;

    /// <summary>Admin middleware: after a handover, admin clients move to the new process with their next request (as the proxy's do).</summary>
    private Task CloseAfterHandover(HttpContext context, RequestDelegate next)
    {
        if (_handover?.HandedOver == true)
        {
            context.Response.Headers.Connection = "close";
        }
        return next(context);
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
        if (Vip is not null)
        {
            // Give the VIP away before draining, so the peer takes new connections while ours finish.
            await Vip.HandOverAsync();
        }
        if (Pair is not null)
        {
            await Pair.StopAsync();
        }
        var drained = await Runtime.StopAsync();
        await Alerting.DisposeAsync();
        _reopener?.Dispose();
        if (AccessLog is not null)
        {
            await AccessLog.DisposeAsync();
        }
        if (Vip is not null)
        {
            await Vip.DisposeAsync();
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
        AdminTls?.Dispose();
        // Last: the data plane and the admin app log through it until they are gone.
        await _shared.DisposeAsync();
        _warmupStop.Dispose();
    }
}
