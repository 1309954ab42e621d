using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Metrics;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Recording;
using Tandem.Proxy.Routing;
using Tandem.Proxy.Selection;

namespace Tandem.Benchmarks;

/// <summary>
/// What the request pipeline itself costs per request, without the I/O of forwarding: the steps of
/// <see cref="RequestPipeline.RunAsync"/> around the forward stage (match the route, earn the retry budget, select a
/// server with its sticky and key lookups, the attempt's accounting on the server and the queue, the sticky learning,
/// record with metrics on), on one reused <see cref="RequestState"/> as a connection does. Must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class PipelineBenchmarks : IDisposable
{
    private readonly ServerSelection _selection = new(TimeProvider.System, NullLogger<ServerSelection>.Instance);
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler());
    private ListenerPipeline _listener = null!;
    private RequestState _state = null!;

    [Params(BalancingAlgorithms.RoundRobin, BalancingAlgorithms.IpHash)]
    public string Algorithm { get; set; } = BalancingAlgorithms.RoundRobin;

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new TandemMetrics();
        ServerConfig[] servers =
        [
            new() { Name = "a", Address = new HostPort("127.0.0.1", 9001) },
            new() { Name = "b", Address = new HostPort("127.0.0.1", 9002) },
        ];
        var config = new PoolConfig { Name = "app", Algorithm = Algorithm, Servers = servers };
        var pool = new PoolRegistry(metrics).Apply([config])["app"];
        var listenerConfig = new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app" };
        _listener = new ListenerPipeline(listenerConfig, new RequestRecorder(metrics.ForListener("web"), _time));
        _listener.Update(listenerConfig, RouteTable.ToPool(new PoolTarget(pool, _client, UpstreamSettings.From(config))));

        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/api/items/42";
        http.Request.Protocol = "HTTP/1.1";
        http.Request.Headers.Host = "shop.example";
        http.Request.Headers.UserAgent = "wrk/4.2";
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        http.Response.StatusCode = 200;
        http.Response.ContentLength = 13;
        _state = new RequestState(http);
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void MatchSelectRecord()
    {
        var state = _state;
        for (var i = 0; i < 1000; i++)
        {
            var recorder = _listener.Recorder;
            state.Begin(_time.GetTimestamp(), recorder);
            recorder!.RequestStarted();
            var route = _listener.Routes.Match(state.Http.Request);
            state.Route = route;
            route.Retry?.Earn();
            var server = _selection.TryAcquire(state)!;
            // The forward stage's bookkeeping of one successful attempt, without sending anything.
            state.Selection.Tried(server);
            state.Server = server;
            state.Attempts++;
            server.RequestCompleted(200, serverFailed: false, seconds: 0.0012, _time.GetTimestamp());
            route.Target!.Queue.Release();
            _selection.Answered(state);
            recorder.RequestCompleted(state);
            state.End();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        GC.SuppressFinalize(this);
    }
}
