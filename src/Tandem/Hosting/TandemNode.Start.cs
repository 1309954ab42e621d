using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
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
using Tandem.Proxy;
using Tandem.Proxy.Listeners;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Native;
using Tandem.Proxy.Tls;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Hosting;

/// <summary>The composition root: which parts a node has, in which order they start.</summary>
internal sealed partial class TandemNode
{
    /// <summary>The admin listener's kind in the <see cref="ListenSocketRegistry"/>.</summary>
    private const string AdminKind = "admin";

    /// <summary>
    /// Starts a node. The data plane comes first: its listeners serve as soon as they are bound, while the admin
    /// listener (a whole ASP.NET Core app: ~130 ms of CPU on the way to the first answer when it was built before the
    /// data plane), alerting, the pair, forecasting and the warm-up start behind them. With a control socket and a node
    /// already running on it, the listening sockets are taken over from that node (see <see cref="HandoverServer"/>).
    /// A step that fails releases what the earlier ones started (<see cref="StartedParts"/>).
    /// </summary>
    /// <param name="config">A validated config.</param>
    /// <param name="configPath">The file to watch for changes; null for an in-memory config (the demo).</param>
    /// <param name="options">Clock, logging, signal handling, warm-up and control socket.</param>
    /// <param name="cancellationToken">Cancels startup.</param>
    public static async Task<TandemNode> StartAsync(TandemConfig config, string? configPath, NodeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        var access = AdminAccessFor(config.Admin);
        var sockets = new ListenSocketRegistry();
        var parts = new StartedParts();
        var shared = parts.Add(BuildSharedServices(config, options, out var logLevels));
        try
        {
            var loggerFactory = shared.GetRequiredService<ILoggerFactory>();
            var logger = loggerFactory.CreateLogger<TandemNode>();
            var predecessor = options.ControlSocket is { } control ? HandoverClient.TryConnect(control, sockets, logger) : null;
            // Sockets taken from a predecessor go back to being only its own.
            parts.Add(() =>
            {
                sockets.CloseUnclaimed();
                predecessor?.ControlListener?.Dispose();
                predecessor?.Dispose();
            });
            var metrics = new TandemMetrics(options.Time, config.Metrics);
            var pools = new PoolRegistry(metrics);
            metrics.ObservePools(pools);
            var accessLog = OpenAccessLog(config, metrics, loggerFactory);
            if (accessLog is not null)
            {
                parts.Add(accessLog);
            }
            var runtime = parts.Add(new ProxyRuntime(pools, new DataPlaneTelemetry(metrics, accessLog), shared.GetRequiredService<IHttpForwarder>(),
                options.Time, loggerFactory, shared, holdsVip: config.Pair?.Vip is not null, sockets: sockets, sharedCacheTier: options.SharedCacheTier));
            await ServeAsync(runtime, config, cancellationToken);

            // Serving from here on; what follows is off the path of the first request.
            var adminTls = CreateAdminTls(config.Admin?.Tls, options.Time, loggerFactory);
            if (adminTls is not null)
            {
                parts.Add(adminTls.Dispose);
            }
            var admin = parts.Add(BuildAdmin(config, options, sockets, loggerFactory, adminTls));
            metrics.Live.Start();
            var status = new NodeStatus(options.Time);
            var forecastSignals = new ForecastSignals();
            ForecastMetrics.Observe(metrics, forecastSignals);
            var pairHealth = new PairHealth();
            var pairMetrics = new PairMetrics(metrics, pairHealth);
            // Alert rules read the pair's health and the planner's outlook.
            var tls = new TlsStatus();
            tls.Observe(adminTls is null ? () => runtime.TlsCertificates : () => [.. runtime.TlsCertificates, adminTls.Status()]);
            TlsMetrics.Observe(metrics, tls, options.Time);
            var alerting = new AlertingService(metrics, pools, pairHealth, forecastSignals, options.Time, loggerFactory, tls: tls);
            var node = new TandemNode(shared, admin, runtime, status, metrics, pairHealth, alerting)
            {
                AccessLog = accessLog, Forecast = forecastSignals, Tls = tls, AdminTls = adminTls,
            };
            var operatorChanges = new OperatorChanges();
            node.MapAdmin(access, operatorChanges);
            node.AdminEndPoint = await StartAdminAsync(admin, config.Admin?.Bind ?? ConfigDefaults.AdminBind, cancellationToken);
            parts.HandTo(node);

            status.Applied(config, runtime.Listeners);
            metrics.ReloadApplied();
            node.Reloads = new ReloadCoordinator(runtime, status, metrics, access, alerting, logLevels, node.AdminEndPoint, logger, node.Stopping);
            TakeOver(predecessor, sockets, logger);
            if (accessLog is not null && options.HandleSignals)
            {
                // Right before the first SIGHUP registration: an inherited "ignore" (nohup) would silence it.
                TakeBackHangup(logger);
                // Before "started" is announced: a SIGHUP sent as soon as the node says it runs must reopen the log.
                node._reopener = new AccessLogReopener(accessLog);
            }
            HostLog.Started(logger, config.Source, config.Version, node.AdminScheme, node.AdminEndPoint);
            await alerting.StartAsync(config, $"{node.AdminScheme}://{node.AdminEndPoint}");
            if (options.ControlSocket is { } controlPath)
            {
                node._handover = HandoverServer.Start(controlPath, predecessor?.ControlListener, sockets, admin.Lifetime.StopApplication, logger);
            }
            if (predecessor is not null)
            {
                await AwaitPredecessorAsync(predecessor, config, node, logger);
            }
            await node.StartPairAsync(config, configPath, operatorChanges, pairMetrics, options, loggerFactory, cancellationToken);
            node.StartForecast(config, options, loggerFactory);
            if (configPath is not null)
            {
                if (options.HandleSignals && node._reopener is null)
                {
                    TakeBackHangup(logger);
                }
                node._watcher = new ConfigWatcher(configPath, options.Time, options.ReloadPollInterval, options.HandleSignals,
                    node.Reloads.ApplyAsync, loggerFactory.CreateLogger<ConfigWatcher>());
                node._watcher.Start();
            }
            if (options.WarmupBudget is { } budget)
            {
                node.StartWarmup(budget);
            }
            parts.Keep();
            SystemdNotify.Ready($"serving config version {config.Version}");
            return node;
        }
        catch
        {
            await parts.ReleaseAsync();
            throw;
        }
    }

    private static AdminAccess AdminAccessFor(AdminConfig? config)
    {
        try
        {
            return AdminAccess.For(config);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
    }

    /// <summary>
    /// Logging (levels from the config and the <c>Logging__LogLevel__*</c> environment variables) and YARP's forwarder:
    /// what the data plane needs, without the hosting, routing and configuration layers of an ASP.NET Core app.
    /// </summary>
    private static ServiceProvider BuildSharedServices(TandemConfig config, NodeOptions options, out LogLevels logLevels)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        LogLevels? levels = null;
        services.AddLogging(logging =>
        {
            // The Logging:LogLevel:* rules as rules of .NET's own: one naming a category (Logging__LogLevel__Yarp) is more
            // specific than Tandem's catch-all filter, so it wins over Tandem's defaults for that category.
            logging.AddConfiguration(environment.GetSection("Logging"));
            levels = options.ConfigureLogging(logging, environment, config.Logging);
        });
        services.AddHttpForwarder();
        services.AddSingleton(options.Time);
        logLevels = levels!;
        return services.BuildServiceProvider();
    }

    /// <summary>The admin listener's HTTPS (<c>admin.tls</c>); null for plain HTTP.</summary>
    private static AdminListenerTls? CreateAdminTls(ListenerTlsConfig? config, TimeProvider time, ILoggerFactory loggerFactory)
    {
        if (config is null)
        {
            return null;
        }
        try
        {
            return AdminListenerTls.Create(config, time, loggerFactory);
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeStartException($"admin.tls: {ex.Message}", ex);
        }
    }

    /// <summary>The admin listener (not yet started), logging through the node's <paramref name="loggerFactory"/>; HTTPS with <paramref name="tls"/>.</summary>
    private static WebApplication BuildAdmin(TandemConfig config, NodeOptions options, ListenSocketRegistry sockets, ILoggerFactory loggerFactory,
        AdminListenerTls? tls)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        // The node's factory, not one of the app's own: one set of levels and providers, changed by a reload.
        builder.Services.AddSingleton(loggerFactory);
        var adminBind = config.Admin?.Bind ?? ConfigDefaults.AdminBind;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(adminBind.Ip ?? IPAddress.Loopback, adminBind.Port, listen => tls?.Apply(listen));
        });
        // The admin socket can be taken over by a successor like the proxy's (the last factory registered wins).
        builder.Services.AddSingleton<IConnectionListenerFactory>(s => new RegistryListenerFactory(sockets, AdminKind, s.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(options.Time);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (!options.HandleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        }
        return builder.Build();
    }

    private static void TakeBackHangup(ILogger logger)
    {
        if (HangupSignal.TakeBackIfIgnored())
        {
            HostLog.HangupTakenBack(logger);
        }
    }

    private static AccessLogWriter? OpenAccessLog(TandemConfig config, TandemMetrics metrics, ILoggerFactory loggerFactory)
    {
        try
        {
            return AccessLogWriter.Create(config.AccessLog, metrics, loggerFactory.CreateLogger("Tandem.AccessLog"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeStartException($"access log cannot open {config.AccessLog?.Path}: {ex.Message}", ex);
        }
    }

    private static async Task ServeAsync(ProxyRuntime runtime, TandemConfig config, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.ApplyAsync(config, cancellationToken);
        }
        catch (ListenerStartException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
    }

    /// <summary>The admin app's middleware and endpoints: dashboard, API, pair, forecast and alerts.</summary>
    private void MapAdmin(AdminAccess access, OperatorChanges operatorChanges)
    {
        _admin.Use(CloseAfterHandover);
        _admin.UseTandemAdminAccess(access);
        _admin.MapTandemAdmin(Pools, Metrics, Status, operatorChanges, Runtime.PolicyReport, Runtime.ExplainRouteAsync, Runtime.ExplainConnectionAsync);
        _admin.MapPairApi(PairHealth);
        _admin.MapTlsApi(Tls, _admin.Services.GetRequiredService<TimeProvider>());
        _admin.MapCacheApi(Runtime, Metrics.Cache);
        _admin.MapTandemForecast(Pools, RunningForecast);
        _admin.MapTandemAlerts(Alerting.Engine);
    }

    /// <returns>The bound address.</returns>
    private static async Task<IPEndPoint> StartAdminAsync(WebApplication admin, HostPort bind, CancellationToken cancellationToken)
    {
        try
        {
            await admin.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            throw new NodeStartException($"admin listener cannot bind {bind}: {ex.Message}", ex);
        }
        var addresses = admin.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null)
        {
            foreach (var address in addresses)
            {
                if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
                {
                    return new IPEndPoint(bind.Ip ?? IPAddress.Loopback, uri.Port);
                }
            }
        }
        return new IPEndPoint(bind.Ip ?? IPAddress.Loopback, bind.Port);
    }

    /// <summary>Tells a predecessor its sockets are taken and closes those the config no longer has.</summary>
    private static void TakeOver(HandoverClient? predecessor, ListenSocketRegistry sockets, ILogger logger)
    {
        if (predecessor is not null && predecessor.SendTaken())
        {
            HandoverLog.TookOver(logger, predecessor.PredecessorPid);
        }
        foreach (var key in sockets.CloseUnclaimed())
        {
            HandoverLog.ClosedUnclaimed(logger, key);
        }
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

    private void StartForecast(TandemConfig config, NodeOptions options, ILoggerFactory loggerFactory)
    {
        if (config.Forecast is not { } forecastConfig)
        {
            return;
        }
        try
        {
            var status = Status;
            _forecast = ForecastServices.Start(forecastConfig, Pools, () => status.Config?.Listeners ?? [], Forecast, options.Time, loggerFactory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new NodeStartException($"forecast.data-dir: cannot open the traffic history: {ex.Message}", ex);
        }
    }
}
