using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Tandem.Core.Config;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Admission;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Listeners;

/// <summary>
/// One running listener: a Kestrel server bound through the <see cref="SharedSocketTransport"/>, serving
/// <see cref="ProxyApplication"/>. Replaced as a whole when its bind or limits change; rerouted in place when only its pool does.
/// </summary>
internal sealed class ListenerHost
{
    private readonly KestrelServer _server;
    private readonly ListenerGeneration _generation;
    private readonly IListenerTelemetry? _telemetry;

    private ListenerHost(KestrelServer server, ListenerGeneration generation, ListenerPipeline pipeline, IListenerTelemetry? telemetry)
    {
        _server = server;
        _generation = generation;
        _telemetry = telemetry;
        Pipeline = pipeline;
    }

    /// <summary>Open client connections of this listener's name (0 when connections are not counted).</summary>
    public long OpenConnections => _telemetry?.OpenConnections ?? 0;

    /// <summary>The listener's route table and recorder.</summary>
    public ListenerPipeline Pipeline { get; }

    public ListenerConfig Config => Pipeline.Config;

    /// <summary>The address actually bound (the real port when the config said 0).</summary>
    public IPEndPoint BoundEndPoint => (_generation.Http1 ?? _generation.Http2)!.EndPoint.Socket;

    /// <summary>Whether a new config for this listener can be applied by rerouting, without a new Kestrel server.</summary>
    public bool CanReroute(ListenerConfig next) =>
        next.Bind == Config.Bind && next.HttpVersions == Config.HttpVersions && ListenerLimits.Same(Config, next);

    /// <summary>Binds the listener; it takes no connection until <see cref="Activate"/>.</summary>
    public static async Task<ListenerHost> StartAsync(ListenerConfig config, ListenerServices services, CancellationToken cancellationToken, bool countConnections = true)
    {
        var options = new KestrelServerOptions
        {
            AddServerHeader = false,
            AllowSynchronousIO = false,
            ApplicationServices = services.ApplicationServices,
        };
        ListenerLimits.Apply(options.Limits, config);
        ListenerLimits.ApplyEncodings(options, config);

        var http1 = config.HttpVersions != HttpVersions.H2c;
        var http2 = config.HttpVersions != HttpVersions.Http1;
        var generation = new ListenerGeneration(http1, http2, options.Limits.RequestHeadersTimeout);
        var address = new IPEndPoint(config.Bind.Ip ?? IPAddress.Loopback, config.Bind.Port);
        var telemetry = countConnections ? services.Telemetry.ForListener(config.Name) : null;
        if (http1)
        {
            options.Listen(new SharedEndPoint(address, HttpProtocols.Http1, generation), o => Configure(o, HttpProtocols.Http1, telemetry));
        }
        if (http2)
        {
            options.Listen(new SharedEndPoint(address, HttpProtocols.Http2, generation), o => Configure(o, HttpProtocols.Http2, telemetry));
        }

        var pipeline = new ListenerPipeline(config, telemetry is null ? null : new RequestRecorder(telemetry, services.Time));
        var server = new KestrelServer(Options.Create(options), services.Transport, services.LoggerFactory);
        try
        {
            await server.StartAsync(new ProxyApplication(pipeline, services.Pipeline), cancellationToken);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return new ListenerHost(server, generation, pipeline, telemetry);
    }

    /// <summary>Gives the listener its routes and starts taking connections (from the listener it replaces, if any).</summary>
    public void Activate(RouteTable routes)
    {
        Pipeline.Update(Pipeline.Config, routes);
        _generation.Activate();
    }

    private static void Configure(ListenOptions listen, HttpProtocols protocols, IListenerTelemetry? telemetry)
    {
        listen.Protocols = protocols;
        if (telemetry is null)
        {
            return;
        }
        listen.Use(next => async connection =>
        {
            telemetry.ConnectionOpened();
            try
            {
                await next(connection);
            }
            finally
            {
                telemetry.ConnectionClosed();
            }
        });
    }

    /// <summary>Stops accepting, lets in-flight requests finish until <paramref name="drainTimeout"/>, then closes what is left.</summary>
    /// <returns>False when the drain timed out and connections were aborted.</returns>
    public async Task<bool> StopAsync(TimeSpan drainTimeout, TimeProvider time)
    {
        using var deadline = new CancellationTokenSource(drainTimeout, time);
        var stop = _server.StopAsync(deadline.Token);
        await stop;
        var drained = !deadline.IsCancellationRequested;
        _server.Dispose();
        return drained;
    }
}
