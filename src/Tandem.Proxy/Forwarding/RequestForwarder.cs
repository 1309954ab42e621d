using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Proxy.Caching;
using Tandem.Proxy.Compression;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Forwarding.Http11;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Retries;
using Tandem.Proxy.Selection;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The forward stage: sends the request to the server the select stage chose, over the lean HTTP/1.1 path
/// (<see cref="Http11Forwarder"/>) when the route and the request allow it, else with YARP's <see cref="IHttpForwarder"/>;
/// accounts for each attempt's outcome on its server (health, outlier detection, the pool's queue), tries another
/// server when the route's <see cref="RetryPolicy"/> allows it, and answers 502/504 with a short body and a log line
/// when no server could. The first attempt of a request allocates nothing here beyond what forwarding itself needs.
/// Every failure is blamed on one party (<see cref="Fault"/>): only the server's count against it (health, ejection,
/// retries, its error metrics). A request Tandem cannot forward as received is the client's fault: a 4xx from Tandem,
/// a debug line, never retried (<see cref="RequestChecks"/> refuses some before a server is chosen). Tandem's own
/// failure is a 500 and an error line. A timeout while Tandem itself ran late (<paramref name="ranLateSince"/>, from
/// <see cref="ProcessLag"/>) is still answered and retried as the server's, but not counted against it: the server may
/// well have answered in time.
/// </summary>
internal sealed class RequestForwarder(IHttpForwarder forwarder, TimeProvider time, ILogger<RequestForwarder> logger,
    Func<long, bool>? ranLateSince = null)
{
    /// <summary>The response header naming the server, when the pool sets <c>server-header: true</c>.</summary>
    public const string ServerHeaderName = "X-Tandem-Server";

    private const string NotCounted = " (Tandem itself was running late: not counted against the server)";

    private readonly LogThrottle _failureLog = new(time, TimeSpan.FromSeconds(1), n => ProxyLog.Folded(logger, LogLevel.Warning, "server failed", n));
    private readonly LogThrottle _retryLog = new(time, TimeSpan.FromSeconds(1), n => ProxyLog.Folded(logger, LogLevel.Warning, "retrying", n));
    private readonly LogThrottle _bugLog = new(time, TimeSpan.FromSeconds(1), n => ProxyLog.Folded(logger, LogLevel.Error, "unexpected error", n));

    /// <summary>Forwards the request to <paramref name="server"/> (already counted in flight) and, while allowed, to others.</summary>
    /// <remarks>
    /// A pooled builder: the state machine is reused when the thread's cache has one. Each attempt is written into this
    /// method rather than awaited as a method of its own: every async method that waits for the server puts one more
    /// state machine box on the heap per request (bench/README.md, "Allocations and memory per request").
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ForwardAsync(RequestState state, ServerState server)
    {
        var context = state.Http;
        var retry = state.Route.Retry;
        retry?.Prepare(state);
        while (true)
        {
            state.Selection.Tried(server);
            state.Server = server;
            state.Attempts++;
            var sent = time.GetTimestamp();

            // One attempt on the server (counted in flight), accounted when it ends.
            var route = state.Route;
            var target = route.Target!;
            var pool = target.Pool;
            if (pool.Config.ServerHeader)
            {
                context.Response.Headers[ServerHeaderName] = server.Name;
            }
            StickySessions.SetCookie(context, pool, server, state.Selection);
            var forwarderError = ForwarderError.None;
            var kind = RequestError.None;
            Exception? exception = null;
            var excused = false;
            try
            {
                if (route.ResponseTimeout is { } responseTimeout)
                {
                    // Scoped to this request's async context: restored when this method returns.
                    ResponseTimeoutHandler.RouteOverride.Value = responseTimeout;
                }
                if (route.Http11Headers is { } headers && target.Http11 is { } http11 && Http11Forwarder.Accepts(context) && http11.For(server) is { } connections)
                {
                    (forwarderError, exception) = await Http11Forwarder.SendAsync(context, server, connections, http11, headers.Compute(context), route.HeaderWait,
                        route.RequestConfig.ActivityTimeout ?? route.HeaderWait);
                }
                else
                {
                    forwarderError = await forwarder.SendAsync(context, server.DestinationPrefix, target.Client, route.RequestConfig, route.Transformer);
                    exception = forwarderError == ForwarderError.None ? null : context.GetForwarderErrorFeature()?.Exception;
                }
                if (forwarderError != ForwarderError.None)
                {
                    kind = ProxyErrors.Classify(forwarderError, exception);
                }
            }
            catch (Exception ex)
            {
                // Not the server's doing: nothing about the exchange explains an exception out of the forwarder.
                forwarderError = ForwarderError.Request;
                kind = RequestError.ProxyFailed;
                exception = ex;
            }
            finally
            {
                if (route.Compression is not null)
                {
                    await CompressedBody.FinishAsync(context);
                }
                var ended = time.GetTimestamp();
                var fault = ProxyErrors.FaultOf(kind);
                // A timeout while this process was too late to see the server's answer says nothing about the server.
                excused = kind == RequestError.TimedOut && ranLateSince is { } late && late(sent);
                // What the server's metrics and count-5xx see: a client or Tandem fault records its own 4xx/499/500.
                var status = kind != RequestError.None && !context.Response.HasStarted ? ProxyErrors.StatusFor(kind) : context.Response.StatusCode;
                server.RequestCompleted(status, fault == Fault.Server && !excused, time.GetElapsedTime(state.Started, ended).TotalSeconds, ended);
                if (fault is Fault.None or Fault.Server && kind != RequestError.IdleClosed && !excused)
                {
                    OutlierDetector.Record(pool, server, status, fault == Fault.Server);
                }
                target.Queue.Release();
            }

            state.UpstreamTicks = time.GetTimestamp() - sent;
            state.Error = kind;
            if (kind == RequestError.None)
            {
                return;
            }
            if (ProxyErrors.FaultOf(kind) != Fault.Server)
            {
                await AnswerNotServerFaultAsync(state, server, kind, exception);
                return;
            }

            var next = retry is not null && retry.Allows(state, forwarderError)
                ? ServerPicker.Acquire(state.Route.Target!.Pool, state.Selection) ?? SameServerAgain(server, excused)
                : null;
            if (next is null)
            {
                await AnswerFailureAsync(state, server, kind, exception, excused);
                return;
            }
            if (_retryLog.TryAcquire(out var suppressed))
            {
                ProxyLog.Retrying(logger, state.Route.Target!.Pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                    ProxyErrors.Describe(kind, exception), next.Name, suppressed);
            }
            state.Recorder?.Retried(server, kind);
            RetryPolicy.Reset(context);
            server = next;
        }
    }

    /// <summary>
    /// A timeout Tandem's own lateness explains says nothing against the server, so when no other server can take the
    /// retry, the same one may (a lone server: the retry the policy allowed goes to it instead of a 504).
    /// </summary>
    private static ServerState? SameServerAgain(ServerState server, bool excused) =>
        excused && server.IsUsable && server.TryStartRequest() ? server : null;

    /// <summary>Tandem's 400/413 for a request it cannot forward as received; the connection closes after it, as the rest of the request is not read.</summary>
    public static Task AnswerClientFaultAsync(HttpContext context, RequestError kind, ErrorPages? pages)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        context.Response.Clear();
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
        return ErrorResponses.WriteAsync(context.Response, ProxyErrors.StatusFor(kind), pages);
    }

    /// <summary>
    /// A failure that is not the server's: the client's (one debug line, a 4xx when it is still there) or Tandem's
    /// (an error line with the exception, throttled; 500).
    /// </summary>
    private async Task AnswerNotServerFaultAsync(RequestState state, ServerState server, RequestError kind, Exception? exception)
    {
        var context = state.Http;
        var pool = state.Route.Target!.Pool;
        if (kind == RequestError.ProxyFailed)
        {
            if (_bugLog.TryAcquire(out var suppressed))
            {
                ProxyLog.Unexpected(logger, context.Request.Method, context.Request.Path, pool.Name, server.Name, suppressed, exception!);
            }
            await ErrorResponses.WriteAsync(context.Response, StatusCodes.Status500InternalServerError, state.Route.ErrorPages);
            return;
        }
        if (kind == RequestError.IdleClosed)
        {
            return;
        }
        if (logger.IsEnabled(LogLevel.Debug))
        {
#pragma warning disable CA1873 // guarded by IsEnabled above
            ProxyLog.ClientFault(logger, pool.Name, server.Name, context.Request.Method, context.Request.Path, ProxyErrors.Describe(kind, exception),
                ProxyErrors.StatusFor(kind));
#pragma warning restore CA1873
        }
        if (kind != RequestError.ClientAborted && !context.RequestAborted.IsCancellationRequested)
        {
            await AnswerClientFaultAsync(context, kind, state.Route.ErrorPages);
        }
    }

    private async Task AnswerFailureAsync(RequestState state, ServerState server, RequestError kind, Exception? exception, bool excused)
    {
        var context = state.Http;
        if (state.Cache is not null && await CacheStage.TryServeFallbackAsync(state))
        {
            // stale-if-error: the stored response stands in for the error page; the failure is still the server's.
            return;
        }
        // YARP has set 502 or 504 when nothing was sent to the client yet; add the body.
        var status = context.Response.HasStarted ? context.Response.StatusCode : ProxyErrors.StatusFor(kind);
        if (_failureLog.TryAcquire(out var suppressed))
        {
            ProxyLog.ServerFailed(logger, state.Route.Target!.Pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                excused ? ProxyErrors.Describe(kind, exception) + NotCounted : ProxyErrors.Describe(kind, exception), status, suppressed);
        }
        await ErrorResponses.WriteAsync(context.Response, status, state.Route.ErrorPages);
    }
}
