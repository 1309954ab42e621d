using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Observability.AccessLog;

using Tandem.Forecasting;
using Tandem.Forecasting.Planning;
using Tandem.Observability.Admin;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Pair;
using Tandem.Pair.Vip;
using Tandem.Proxy;
using Tandem.Proxy.Listeners;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Hosting;

/// <summary>
/// One running Tandem node: the admin listener (a small ASP.NET app) and the data plane (<see cref="ProxyRuntime"/>),
/// wired together. <see cref="StartAsync"/> fails with <see cref="NodeStartException"/> when a port cannot be bound.
/// </summary>
internal sealed class TandemNode : IAsyncDisposable
{
    private readonly WebApplication _admin;
    private readonly AdminAccess _access;
    private ConfigWatcher? _watcher;
    private AccessLogReopener? _reopener;
    private VipService? _vip;

    private ForecastServices? _forecast;
    private int _stopped;

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

    /// <param name="config">A validated config.</param>
    /// <param name="configPath">The file to watch for changes; null for an in-memory config (the demo).</param>
    /// <param name="options">Clock, logging and signal handling.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    public static async Task<TandemNode> StartAsync(TandemConfig config, string? configPath, NodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        options.ConfigureLogging(builder.Logging);
        var adminBind = config.Admin?.Bind ?? ConfigDefaults.AdminBind;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(adminBind.Ip ?? IPAddress.Loopback, adminBind.Port);
        });
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton(options.Time);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (!options.HandleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        }

        AdminAccess access;
        try
        {
            access = AdminAccess.For(config.Admin);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
        var admin = builder.Build();
        admin.UseTandemAdminAccess(access);
        var loggerFactory = admin.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<TandemNode>();
        var metrics = new TandemMetrics(options.Time, config.Metrics);
        metrics.Live.Start();
        var pools = new PoolRegistry(metrics);
        metrics.ObservePools(pools);
        var status = new NodeStatus(options.Time);
        AccessLogWriter? accessLog;
        try
        {
            accessLog = AccessLogWriter.Create(config.AccessLog, metrics, loggerFactory.CreateLogger("Tandem.AccessLog"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await admin.DisposeAsync();
            throw new NodeStartException($"access log cannot open {config.AccessLog?.Path}: {ex.Message}", ex);
        }
        var runtime = new ProxyRuntime(pools, new DataPlaneTelemetry(metrics, accessLog), admin.Services.GetRequiredService<IHttpForwarder>(), options.Time,
            loggerFactory, admin.Services, holdsVip: config.Pair?.Vip is not null);
        var operatorChanges = new OperatorChanges();
        admin.MapTandemAdmin(pools, metrics, status, operatorChanges);
        var pairHealth = new PairHealth();
        var pairMetrics = new PairMetrics(metrics, pairHealth);
        admin.MapPairApi(pairHealth);
        ForecastServices? forecast = null;
        admin.MapTandemForecast(pools, () => forecast);
        // Alert rules read the pair's health and the planner's outlook.
        var forecastSignals = new ForecastSignals();
        _ = new ForecastMetrics(metrics, forecastSignals);
        var alerting = new AlertingService(metrics, pools, pairHealth, forecastSignals, options.Time, loggerFactory);
        admin.MapTandemAlerts(alerting.Engine);

        try
        {
            await admin.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            await DisposeAccessLogAsync(accessLog);
            await admin.DisposeAsync();
            throw new NodeStartException($"admin listener cannot bind {adminBind}: {ex.Message}", ex);
        }
        var adminEndPoint = BoundEndPoint(admin, adminBind);

        if (options.WarmupBudget is { } budget)
        {
            await runtime.WarmUpAsync(budget, cancellationToken);
        }

        try
        {
            await runtime.ApplyAsync(config, cancellationToken);
        }
        catch (ListenerStartException ex)
        {
            await runtime.DisposeAsync();
            await DisposeAccessLogAsync(accessLog);
            await admin.StopAsync(CancellationToken.None);
            await admin.DisposeAsync();
            throw new NodeStartException(ex.Message, ex);
        }
        status.Applied(config, runtime.Listeners);
        metrics.ReloadApplied();
        HostLog.Started(logger, config.Source, config.Version, adminEndPoint);
        await alerting.StartAsync(config, $"http://{adminEndPoint}");

        var node = new TandemNode(admin, access, runtime, status, metrics, adminEndPoint, pairHealth, alerting) { AccessLog = accessLog, Forecast = forecastSignals };
        if (accessLog is not null && options.HandleSignals)
        {
            node._reopener = new AccessLogReopener(accessLog);
        }
        if (config.Pair is { } pairConfig)
        {
            try
            {
                node.Pair = await PairService.StartAsync(new PairServiceOptions
                {
                    Config = pairConfig,
                    Pools = pools,
                    Changes = operatorChanges,
                    Health = pairHealth,
                    ConfigPath = configPath,
                    ApplyConfig = node.ApplyReloadAsync,
                    CountMessage = pairMetrics.Message,
                    Time = options.Time,
                    LoggerFactory = loggerFactory,
                }, cancellationToken);
            }
            catch (PairStartException ex)
            {
                await node.DisposeAsync();
                throw new NodeStartException(ex.Message, ex);
            }
        }
        if (config.Pair is { Vip: not null } pair && node.Pair is { } pairService && !OperatingSystem.IsWindows())
        {
            // After the listeners are up: keepalived may give this node the VIP at once, but not before the pair has
            // caught up with its peer (no preemption until synced).
            node._vip = new VipService(pair, () => VipHealth.HasHealthyServer(pools), options.Time, loggerFactory);
            node._vip.SetReady(pairService.IsSynced);
            pairService.Synced += () => node._vip.SetReady(true);
            var vrrp = node._vip.State;
            vrrp.Changed += e =>
            {
                pairService.SetVipState(vrrp.Role, vrrp.Role == PairRole.Master ? pair.Node : null);
                pairHealth.Raise(e);
            };
            try
            {
                await node._vip.StartAsync();
            }
            catch (VipStartException ex)
            {
                await node.DisposeAsync();
                throw new NodeStartException(ex.Message, ex);
            }
        }
        if (config.Forecast is { } forecastConfig)
        {
            try
            {
                forecast = node._forecast = ForecastServices.Start(forecastConfig, pools, () => status.Config?.Listeners ?? [], node.Forecast, options.Time, loggerFactory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                await node.DisposeAsync();
                throw new NodeStartException($"forecast.data-dir: cannot open the traffic history: {ex.Message}", ex);
            }
        }
        if (configPath is not null)
        {
            node._watcher = new ConfigWatcher(configPath, options.Time, options.ReloadPollInterval, options.HandleSignals,
                node.ApplyReloadAsync, loggerFactory.CreateLogger<ConfigWatcher>());
            node._watcher.Start();
        }
        return node;
    }

    /// <summary>Validates and applies a changed config; a bad one is refused and the running config keeps serving.</summary>
    internal async Task<bool> ApplyReloadAsync(ConfigLoadResult loaded)
    {
        var logger = Logger;
        var current = Status.Config!;
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
        return drained;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Runtime.DisposeAsync();
        await _admin.DisposeAsync();
    }

    private static async Task DisposeAccessLogAsync(AccessLogWriter? accessLog)
    {
        if (accessLog is not null)
        {
            await accessLog.DisposeAsync();
        }
    }

    private static IPEndPoint BoundEndPoint(WebApplication app, HostPort requested)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null)
        {
            foreach (var address in addresses)
            {
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    return new IPEndPoint(requested.Ip ?? IPAddress.Loopback, uri.Port);
                }
            }
        }
        return new IPEndPoint(requested.Ip ?? IPAddress.Loopback, requested.Port);
    }
}

/// <summary>A port could not be bound at startup; the message names the listener and the address.</summary>
internal sealed class NodeStartException(string message, Exception inner) : Exception(message, inner);
