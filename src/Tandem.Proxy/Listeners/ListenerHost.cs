using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Tandem.Core.Config;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Admission;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Routing;
using Tandem.Proxy.Tls;

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

    private ListenerHost(KestrelServer server, ListenerGeneration generation, ListenerPipeline pipeline, IListenerTelemetry? telemetry, ListenerTls? tls)
    {
        _server = server;
        _generation = generation;
        _telemetry = telemetry;
        Pipeline = pipeline;
        Tls = tls;
    }

    /// <summary>The listener's certificates and handshake settings; null for plain HTTP.</summary>
    public ListenerTls? Tls { get; }

    /// <summary>Open client connections of this listener's name (0 when connections are not counted).</summary>
    public long OpenConnections => _telemetry?.OpenConnections ?? 0;

    /// <summary>The listener's route table and recorder.</summary>
    public ListenerPipeline Pipeline { get; }

    public ListenerConfig Config => Pipeline.Config;

    /// <summary>The address actually bound (the real port when the config said 0).</summary>
    public IPEndPoint BoundEndPoint => (_generation.Http1 ?? _generation.Http2)!.EndPoint.Socket;

    /// <summary>Whether a new config for this listener can be applied by rerouting, without a new Kestrel server.</summary>
    public bool CanReroute(ListenerConfig next) =>
        next.Bind == Config.Bind && next.HttpVersions == Config.HttpVersions && ListenerLimits.Same(Config, next)
        && ListenerTlsConfig.Same(Config.Tls, next.Tls);

    /// <summary>Binds the listener; it takes no connection until <see cref="Activate"/>.</summary>
    public static async Task<ListenerHost> StartAsync(ListenerConfig config, ListenerServices services, CancellationToken cancellationToken, bool countConnections = true)
    {
        var options = new KestrelServerOptions
        {
            AddServerHeader = false,
            AllowSynchronousIO = false,
            ApplicationServices = config.Tls is null ? services.ApplicationServices : KestrelTlsServices.With(services.ApplicationServices),
        };
        ListenerLimits.Apply(options.Limits, config);
        ListenerLimits.ApplyEncodings(options, config);

        var address = new IPEndPoint(config.Bind.Ip ?? IPAddress.Loopback, config.Bind.Port);
        var telemetry = countConnections ? services.Telemetry.ForListener(config.Name) : null;
        if (config.Tls is not null)
        {
            return await StartTlsAsync(config, services, options, address, telemetry, cancellationToken);
        }

        var http1 = config.HttpVersions != HttpVersions.H2c;
        var http2 = config.HttpVersions != HttpVersions.Http1;
        var generation = new ListenerGeneration(http1, http2, options.Limits.RequestHeadersTimeout);
        if (http1)
        {
            options.Listen(new SharedEndPoint(address, HttpProtocols.Http1, generation), o => Configure(o, HttpProtocols.Http1, telemetry));
        }
        if (http2)
        {
            options.Listen(new SharedEndPoint(address, HttpProtocols.Http2, generation), o => Configure(o, HttpProtocols.Http2, telemetry));
        }

        return await ServeAsync(config, services, options, generation, telemetry, null, cancellationToken);
    }

    /// <summary>
    /// A TLS listener is one endpoint: ALPN, not a sniffed preface, tells HTTP/2 from HTTP/1.1, so the shared socket
    /// hands every connection to the one Kestrel endpoint serving both.
    /// </summary>
    private static async Task<ListenerHost> StartTlsAsync(ListenerConfig config, ListenerServices services, KestrelServerOptions options, IPEndPoint address,
        IListenerTelemetry? telemetry, CancellationToken cancellationToken)
    {
        var tlsLogger = services.LoggerFactory.CreateLogger("Tandem.Tls");
        var tls = ListenerTls.Create(config, services.Time, tlsLogger, services.Challenges);
        try
        {
            var protocols = config.HttpVersions switch
            {
                HttpVersions.Http1 => HttpProtocols.Http1,
                HttpVersions.H2c => HttpProtocols.Http2,
                _ => HttpProtocols.Http1AndHttp2,
            };
            var generation = new ListenerGeneration(http1: true, http2: false, options.Limits.RequestHeadersTimeout);
            options.Listen(new SharedEndPoint(address, HttpProtocols.Http1, generation), o =>
            {
                Configure(o, protocols, telemetry);
                o.Use(ClientHelloPeek.Create(services.Challenges));
                o.UseHttps(tls.HandshakeOptions);
                o.Use(NegotiatedSuiteCheck.Create(tlsLogger));
                o.Use(ClientIdentityMiddleware.Create);
            });
            return await ServeAsync(config, services, options, generation, telemetry, tls, cancellationToken);
        }
        catch
        {
            tls.Dispose();
            throw;
        }
    }

    private static async Task<ListenerHost> ServeAsync(ListenerConfig config, ListenerServices services, KestrelServerOptions options, ListenerGeneration generation,
        IListenerTelemetry? telemetry, ListenerTls? tls, CancellationToken cancellationToken)
    {
        var pipeline = new ListenerPipeline(config, telemetry is null ? null : new RequestRecorder(telemetry, services.Time));
        var server = new KestrelServer(Options.Create(options), services.Transport, services.LoggerFactory);
        try
        {
            await server.StartAsync(new ProxyApplication(pipeline, services.Pipeline, services.Challenges), cancellationToken);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return new ListenerHost(server, generation, pipeline, telemetry, tls);
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
        Tls?.Dispose();
        return drained;
    }
}
