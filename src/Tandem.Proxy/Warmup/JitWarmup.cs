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

    public static async Task<WarmupResult> RunAsync(ListenerServices services, TimeSpan budget, Func<bool> realTraffic, ILogger logger,
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
        var listenerConfig = new ListenerConfig { Name = "warmup", Bind = new HostPort("127.0.0.1", 0), Pool = "warmup" };
        var listener = await ListenerHost.StartAsync(listenerConfig, services, cancellationToken, countConnections: false);
        listener.Activate(RouteTable.ToPool(new PoolTarget(pool, upstream, settings, http11)));

        long requests = 0;
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
            {
                BaseAddress = new Uri("http://" + listener.BoundEndPoint + "/"),
                Timeout = TimeSpan.FromSeconds(5),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = new Task[8];
            for (var i = 0; i < workers.Length; i++)
            {
                var post = i % 4 == 3;
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
                            Interlocked.Increment(ref requests);
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
            await listener.StopAsync(TimeSpan.FromSeconds(1), TimeProvider.System);
            await backend.StopAsync(CancellationToken.None);
        }

        var result = new WarmupResult(clock.Elapsed, Interlocked.Read(ref requests), System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore);
        WarmupLog.Done(logger, result.Requests, result.Elapsed.TotalMilliseconds, result.MethodsCompiled);
        return result;
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

/// <summary>What the warm-up did.</summary>
public sealed record WarmupResult(TimeSpan Elapsed, long Requests, long MethodsCompiled);

internal static partial class WarmupLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Warm-up: {Requests} requests through the proxy path in {Milliseconds:F0} ms ({Methods} methods compiled)")]
    public static partial void Done(ILogger logger, long requests, double milliseconds, long methods);
}
