using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Core.Runtime;
using Tandem.Forecasting;
using Tandem.Forecasting.Planning;
using Tandem.Hosting.Handover;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Admin;
using Tandem.Observability.Alerts;
using Tandem.Observability.Metrics;
using Tandem.Pair;
using Tandem.Pair.Vip;
using Tandem.Proxy;
using Tandem.Proxy.Listeners;
using Tandem.Proxy.Listeners.Transport;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Hosting;

internal sealed partial class TandemNode
{
    /// <summary>The admin listener's kind in the <see cref="ListenSocketRegistry"/>.</summary>
    private const string AdminKind = "admin";

    /// <summary>
    /// Starts a node. The data plane comes first: its listeners serve as soon as they are bound, while the admin
    /// listener, alerting, the pair, forecasting and the warm-up start behind them. With a control socket and a node
    /// already running on it, the listening sockets are taken over from that node (see <see cref="HandoverServer"/>).
    /// </summary>
    /// <param name="config">A validated config.</param>
    /// <param name="configPath">The file to watch for changes; null for an in-memory config (the demo).</param>
    /// <param name="options">Clock, logging, signal handling, warm-up and control socket.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    public static async Task<TandemNode> StartAsync(TandemConfig config, string? configPath, NodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var sockets = new ListenSocketRegistry();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        var logLevels = options.ConfigureLogging(builder.Logging, builder.Configuration, config.Logging);
        var adminBind = config.Admin?.Bind ?? ConfigDefaults.AdminBind;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(adminBind.Ip ?? IPAddress.Loopback, adminBind.Port);
        });
        // The admin socket can be taken over by a successor like the proxy's (the last factory registered wins).
        builder.Services.AddSingleton<IConnectionListenerFactory>(s => new RegistryListenerFactory(sockets, AdminKind, s.GetRequiredService<ILoggerFactory>()));
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
        TandemNode? started = null;
        // After a handover, admin clients move to the new process with their next request (as the proxy's do).
        admin.Use((context, next) =>
        {
            if (started?._handover?.HandedOver == true)
            {
                context.Response.Headers.Connection = "close";
            }
            return next(context);
        });
        admin.UseTandemAdminAccess(access);
        var loggerFactory = admin.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger<TandemNode>();
        var predecessor = options.ControlSocket is { } control ? HandoverClient.TryConnect(control, sockets, logger) : null;
        var metrics = new TandemMetrics(options.Time, config.Metrics);
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
            await AbandonAsync(admin, predecessor, sockets, null, null);
            throw new NodeStartException($"access log cannot open {config.AccessLog?.Path}: {ex.Message}", ex);
        }
        var runtime = new ProxyRuntime(pools, new DataPlaneTelemetry(metrics, accessLog), admin.Services.GetRequiredService<IHttpForwarder>(), options.Time,
            loggerFactory, admin.Services, holdsVip: config.Pair?.Vip is not null, sockets: sockets);
        try
        {
            await runtime.ApplyAsync(config, cancellationToken);
        }
        catch (ListenerStartException ex)
        {
            await AbandonAsync(admin, predecessor, sockets, runtime, accessLog);
            throw new NodeStartException(ex.Message, ex);
        }

        // Serving from here on; what follows is off the path of the first request.
        metrics.Live.Start();
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
            await AbandonAsync(admin, predecessor, sockets, runtime, accessLog);
            throw new NodeStartException($"admin listener cannot bind {adminBind}: {ex.Message}", ex);
        }
        var adminEndPoint = BoundEndPoint(admin, adminBind);
        status.Applied(config, runtime.Listeners);
        metrics.ReloadApplied();
        if (predecessor is not null && predecessor.SendTaken())
        {
            HandoverLog.TookOver(logger, predecessor.PredecessorPid);
        }
        foreach (var key in sockets.CloseUnclaimed())
        {
            HandoverLog.ClosedUnclaimed(logger, key);
        }
        HostLog.Started(logger, config.Source, config.Version, adminEndPoint);
        await alerting.StartAsync(config, $"http://{adminEndPoint}");

        var node = new TandemNode(admin, access, runtime, status, metrics, adminEndPoint, pairHealth, alerting) { AccessLog = accessLog, Forecast = forecastSignals, LogLevels = logLevels };
        started = node;
        if (accessLog is not null && options.HandleSignals)
        {
            node._reopener = new AccessLogReopener(accessLog);
        }
        if (options.ControlSocket is { } controlPath)
        {
            node._handover = HandoverServer.Start(controlPath, predecessor?.ControlListener, sockets, admin.Lifetime.StopApplication, logger);
        }
        if (predecessor is not null)
        {
            await AwaitPredecessorAsync(predecessor, config, node, logger);
        }
        await node.StartPairAsync(config, configPath, operatorChanges, pairMetrics, options, loggerFactory, cancellationToken);
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
        if (options.WarmupBudget is { } budget)
        {
            node.StartWarmup(budget);
        }
        SystemdNotify.Ready($"serving config version {config.Version}");
        return node;
    }

    /// <summary>
    /// The pair channel, the VIP and the traffic history belong to one process at a time: after a handover they start
    /// once the old process has exited (it drains first), or after its drain timeout if it still runs.
    /// </summary>
    private static async Task AwaitPredecessorAsync(HandoverClient predecessor, TandemConfig config, TandemNode node, ILogger logger)
    {
        using (predecessor)
        {
            if (config.Pair is null && config.Forecast is null)
            {
                return;
            }
            const string what = "the pair channel, VIP and forecasting";
            var bound = (config.DrainTimeout ?? ConfigDefaults.DrainTimeout) + TimeSpan.FromSeconds(10);
            if (await predecessor.WaitForExitAsync(bound, node.Stopping))
            {
                HandoverLog.PredecessorExited(logger, predecessor.PredecessorPid, what);
            }
            else
            {
                HandoverLog.PredecessorStillRunning(logger, predecessor.PredecessorPid, bound.TotalSeconds, what);
            }
        }
    }

    /// <summary>The pair channel, then the VIP (both only with a <c>pair</c> section); a failure stops the node.</summary>
    private async Task StartPairAsync(TandemConfig config, string? configPath, OperatorChanges changes, PairMetrics pairMetrics, NodeOptions options,
        ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (config.Pair is not { } pair)
        {
            return;
        }
        try
        {
            Pair = await PairService.StartAsync(new PairServiceOptions
            {
                Config = pair,
                Pools = Pools,
                Changes = changes,
                Health = PairHealth,
                ConfigPath = configPath,
                ApplyConfig = ApplyReloadAsync,
                CountMessage = pairMetrics.Message,
                Time = options.Time,
                LoggerFactory = loggerFactory,
            }, cancellationToken);
        }
        catch (PairStartException ex)
        {
            await DisposeAsync();
            throw new NodeStartException(ex.Message, ex);
        }
        if (pair.Vip is null || OperatingSystem.IsWindows())
        {
            return;
        }
        // After the listeners are up: keepalived may give this node the VIP at once, but not before the pair has
        // caught up with its peer (no preemption until synced).
        var pools = Pools;
        var pairService = Pair;
        var vip = _vip = new VipService(pair, () => VipHealth.HasHealthyServer(pools), options.Time, loggerFactory);
        vip.SetReady(pairService.IsSynced);
        pairService.Synced += () => vip.SetReady(true);
        var vrrp = vip.State;
        var health = PairHealth;
        vrrp.Changed += e =>
        {
            pairService.SetVipState(vrrp.Role, vrrp.Role == PairRole.Master ? pair.Node : null);
            health.Raise(e);
        };
        try
        {
            await vip.StartAsync();
        }
        catch (VipStartException ex)
        {
            await DisposeAsync();
            throw new NodeStartException(ex.Message, ex);
        }
    }

    /// <summary>Releases what a failed start took; sockets taken from a predecessor go back to being only its own.</summary>
    private static async Task AbandonAsync(WebApplication admin, HandoverClient? predecessor, ListenSocketRegistry sockets, ProxyRuntime? runtime,
        AccessLogWriter? accessLog)
    {
        if (runtime is not null)
        {
            await runtime.DisposeAsync();
        }
        await DisposeAccessLogAsync(accessLog);
        sockets.CloseUnclaimed();
        predecessor?.ControlListener?.Dispose();
        predecessor?.Dispose();
        await admin.DisposeAsync();
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
