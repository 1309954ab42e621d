using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Listeners;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Warmup;

/// <summary>
/// Brings the request path to optimized code before the node takes traffic. .NET compiles methods quickly first and
/// re-compiles the hot ones with profile-guided optimization once they have run a while; on a 2-core machine under full
/// load that takes 5-6 s, during which a fresh node serves 30-50% of its steady throughput (measured: JIT busy 20-70%
/// of a core per second). A node that takes over a failed peer's traffic cannot afford that, so at startup Tandem
/// sends a burst of requests through its own real path (a loopback listener, the forwarder, the upstream client, a
/// loopback server in this process) until the JIT has settled or <c>budget</c> has passed. Loopback only.
/// It runs while the node already serves: it stops as soon as real requests arrive, which warm the same code and
/// should not share the CPU with a burst of made-up ones.
/// </summary>
internal static class JitWarmup
{
    private static readonly byte[] Body = "warm-up\n"u8.ToArray();

    /// <param name="services">What the node's listeners share.</param>
    /// <param name="paths">Which listener paths to run: the kinds the node has (plain HTTP, TLS), so that a TLS node also
    /// warms its TLS stack (<c>SslStream</c> and Kestrel's TLS pipes), which the plain path does not reach.</param>
    /// <param name="budget">The longest it runs.</param>
    /// <param name="realTraffic">Whether real requests have arrived (looked at every 50 ms).</param>
    /// <param name="logger">Where the summary goes.</param>
    /// <param name="cancellationToken">Stops it.</param>
    public static async Task<WarmupResult> RunAsync(ListenerServices services, WarmupPaths paths, TimeSpan budget, Func<bool> realTraffic, ILogger logger,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var methodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        using var backend = new KestrelServer(Options.Create(new KestrelServerOptions { AddServerHeader = false, ApplicationServices = services.ApplicationServices }),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions { UnsafePreferInlineScheduling = Listeners.Transport.IoScheduling.Inline }), services.LoggerFactory),
            services.LoggerFactory);
        backend.Options.Listen(IPAddress.Loopback, 0);
        await backend.StartAsync(new FixedResponse(), cancellationToken);
        var backendPort = new Uri(backend.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()).Port;

        var poolConfig = new PoolConfig
        {
            Name = "warmup",
            Algorithm = BalancingAlgorithms.RoundRobin,
            Servers = [new ServerConfig { Name = "warmup", Address = new HostPort("127.0.0.1", backendPort) }],
        };
        var pool = new PoolState(poolConfig, [new ServerState(poolConfig.Servers[0], NullServerTelemetry.Instance)], NullServerTelemetry.Instance);
        var settings = UpstreamSettings.From(poolConfig);
        using var upstream = UpstreamClientFactory.Create(settings);
        using var http11 = Forwarding.Http11.Http11Upstream.CreateFor(settings, TimeProvider.System);
        var routes = RouteTable.ToPool(new PoolTarget(pool, upstream, settings, http11));

        var listeners = new List<ListenerHost>(2);
        var clients = new List<HttpClient>(2);
        var counts = new long[2];
        try
        {
            if ((paths & WarmupPaths.Plain) != 0 || paths == WarmupPaths.None)
            {
                clients.Add(await StartAsync(listeners, services, routes, tls: false, cancellationToken));
            }
            if ((paths & WarmupPaths.Tls) != 0)
            {
                clients.Add(await StartAsync(listeners, services, routes, tls: true, cancellationToken));
            }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = new Task[8];
            for (var i = 0; i < workers.Length; i++)
            {
                var post = i % 4 == 3;
                // With two listeners, each gets three workers that GET and one that POSTs.
                var which = (i + i / 4) % clients.Count;
                var client = clients[which];
                workers[i] = Task.Run(async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            using var response = post
                                ? await client.PostAsync("api/items?warm=1", new ByteArrayContent(Body), stop.Token)
                                : await client.GetAsync("index.html", stop.Token);
                            await response.Content.CopyToAsync(Stream.Null, stop.Token);
                            Interlocked.Increment(ref counts[which]);
                        }
                        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
                        {
                        }
                    }
                }, CancellationToken.None);
            }

            // Stop when the JIT has settled: few new methods over the last quarter second (after a minimum run), or
            // when real requests arrive (looked for every 50 ms).
            var last = System.Runtime.JitInfo.GetCompiledMethodCount();
            for (var tick = 1; clock.Elapsed < budget && !cancellationToken.IsCancellationRequested && !realTraffic(); tick++)
            {
                await Task.Delay(50, cancellationToken);
                if (tick % 5 != 0)
                {
                    continue;
                }
                var now = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (clock.Elapsed > TimeSpan.FromMilliseconds(750) && now - last < 10)
                {
                    break;
                }
                last = now;
            }
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
            foreach (var listener in listeners)
            {
                await listener.StopAsync(TimeSpan.FromSeconds(1), TimeProvider.System);
            }
            await backend.StopAsync(CancellationToken.None);
        }

        var tlsRequests = (paths & WarmupPaths.Tls) == 0 ? 0 : Interlocked.Read(ref counts[clients.Count - 1]);
        var result = new WarmupResult(clock.Elapsed, Interlocked.Read(ref counts[0]) + Interlocked.Read(ref counts[1]), tlsRequests,
            System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore);
        WarmupLog.Done(logger, result.Requests, result.TlsRequests, result.Elapsed.TotalMilliseconds, result.MethodsCompiled);
        return result;
    }

    /// <summary>
    /// Starts a loopback listener of the warm-up (over TLS with a throwaway self-signed certificate when
    /// <paramref name="tls"/>), adds it to <paramref name="listeners"/>, and returns a client for it.
    /// </summary>
    private static async Task<HttpClient> StartAsync(List<ListenerHost> listeners, ListenerServices services, RouteTable routes, bool tls,
        CancellationToken cancellationToken)
    {
        var config = new ListenerConfig
        {
            Name = tls ? "warmup-tls" : "warmup",
            Bind = new HostPort("127.0.0.1", 0),
            Pool = "warmup",
            // No certificate files and no ACME: the listener serves a fresh self-signed one.
            Tls = tls ? new ListenerTlsConfig() : null,
        };
        var listener = await ListenerHost.StartAsync(config, services, cancellationToken, countConnections: false);
        listeners.Add(listener);
        listener.Activate(routes);
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        if (listener.Tls?.Current.Default?.TargetCertificate is { } served)
        {
            // Self-signed, made a moment ago for this listener alone: trusted by being exactly that certificate.
            var pin = served.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256).AsSpan().SequenceEqual(pin);
        }
        return new HttpClient(handler)
        {
            BaseAddress = new Uri((tls ? "https://" : "http://") + listener.BoundEndPoint + "/"),
            Timeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>The loopback server of the warm-up: a fixed small answer.</summary>
    private sealed class FixedResponse : IHttpApplication<IFeatureCollection>
    {
        public IFeatureCollection CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

        public async Task ProcessRequestAsync(IFeatureCollection context)
        {
            var request = context.Get<IHttpRequestFeature>()!;
            await request.Body.CopyToAsync(Stream.Null);
            var response = context.Get<IHttpResponseFeature>()!;
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers.ContentLength = Body.Length;
            response.Headers.ContentType = "text/plain";
            await context.Get<IHttpResponseBodyFeature>()!.Writer.WriteAsync(Body);
        }

        public void DisposeContext(IFeatureCollection context, Exception? exception)
        {
        }
    }
}

/// <summary>Which listener paths the warm-up runs.</summary>
[Flags]
public enum WarmupPaths
{
    None = 0,
    Plain = 1,
    Tls = 2,
}

/// <summary>What the warm-up did: requests in all, and how many of them over TLS.</summary>
public sealed record WarmupResult(TimeSpan Elapsed, long Requests, long TlsRequests, long MethodsCompiled);

internal static partial class WarmupLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Warm-up: {Requests} requests ({TlsRequests} over TLS) through the proxy path in {Milliseconds:F0} ms ({Methods} methods compiled)")]
    public static partial void Done(ILogger logger, long requests, long tlsRequests, double milliseconds, long methods);
}
