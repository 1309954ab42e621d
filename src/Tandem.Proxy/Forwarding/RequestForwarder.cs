using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Observability.Metrics;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Retries;
using Tandem.Proxy.Routing;
using Tandem.Proxy.Selection;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The request path: pick a server of the listener's pool that has room (or wait in the pool's queue), forward with
/// YARP's <see cref="IHttpForwarder"/>, account for the outcome, retry on another server when that is safe, and
/// answer 502/503/504 with a short body and a log line when no server could.
/// A retry is safe when the attempt failed before any response arrived and nothing reached the client, and either
/// nothing was sent (a connect failure) or the method is idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE); a request
/// body must have been buffered (up to <c>retry-body-limit</c>) to be sent again. Retries are bounded per request
/// (<c>retries</c>) and per pool (<see cref="RetryBudget"/>: at most 20% extra load).
/// The first attempt of a request that needs no queue allocates nothing here beyond what forwarding itself needs.
/// When the request ends, however it ends, the listener's <see cref="ListenerTelemetry"/> records it once (series and
/// access log line) with the server of the last attempt, the attempts, why it failed and the server's share of the time.
/// </summary>
internal sealed class RequestForwarder(IHttpForwarder forwarder, TimeProvider time, ILogger<RequestForwarder> logger)
{
    /// <summary>The response header naming the server, when the pool sets <c>server-header: true</c>.</summary>
    public const string ServerHeaderName = "X-Tandem-Server";

    private readonly LogThrottle _noServerLog = new(time, TimeSpan.FromSeconds(1));
    private readonly LogThrottle _failureLog = new(time, TimeSpan.FromSeconds(1));
    private readonly LogThrottle _queueLog = new(time, TimeSpan.FromSeconds(1));
    private readonly LogThrottle _retryLog = new(time, TimeSpan.FromSeconds(1));

    /// <param name="context">The request.</param>
    /// <param name="route">The listener's pool.</param>
    /// <param name="telemetry">The listener's counters and access log; null records nothing (warm-up).</param>
    public async Task ForwardAsync(HttpContext context, PoolTarget route, ListenerTelemetry? telemetry)
    {
        var started = time.GetTimestamp();
        var pool = route.Pool;
        telemetry?.RequestStarted();
        ServerState? server = null;
        var attempts = 0;
        var error = RequestError.None;
        long upstream = 0;
        try
        {
            var selection = SelectionContexts.For(context, pool);
            route.Budget.Deposit();
            // A sticky client goes to its server, waiting in the queue for it when it is full (as HAProxy does).
            var stuckTo = StickySessions.Find(context, pool, time, out var stickyKey, out var hasStickyKey);

            server = TryAcquire(pool, in selection, tried: default, stuckTo);
            if (server is null)
            {
                var wait = QueueWait.Full;
                if (pool.UsableCount > 0 || stuckTo is not null)
                {
                    (server, wait) = await WaitForRoomAsync(context, route, selection, stuckTo, started);
                }
                if (server is null)
                {
                    error = pool.UsableCount == 0 ? RequestError.NoServer
                        : context.RequestAborted.IsCancellationRequested ? RequestError.ClientAborted
                        : wait == QueueWait.Full ? RequestError.QueueFull : RequestError.QueueTimeout;
                    await AnswerNoServerAsync(context, pool, started);
                    return;
                }
            }

            var replayable = route.Retries > 0 && PrepareReplay(context.Request, route.RetryBodyLimit);
            var retriesLeft = route.Retries;
            Tried tried = default;
            while (true)
            {
                tried.Add(server);
                attempts++;
                var sent = time.GetTimestamp();
                var (forwarderError, kind, exception) = await SendAsync(context, route, server, stuckTo, started);
                upstream = time.GetTimestamp() - sent;
                error = kind;
                if (kind == RequestError.None)
                {
                    StickySessions.Learn(context, pool, server, stuckTo, stickyKey, hasStickyKey, time);
                    return;
                }
                if (kind is RequestError.ClientAborted or RequestError.IdleClosed)
                {
                    return;
                }

                var next = retriesLeft > 0 && CanRetry(context, forwarderError, kind, replayable) && route.Budget.TryWithdraw()
                    ? TryAcquire(pool, in selection, tried)
                    : null;
                if (next is null)
                {
                    await AnswerFailureAsync(context, pool, server, kind, exception);
                    return;
                }
                if (_retryLog.TryAcquire(out var suppressed))
                {
                    ProxyLog.Retrying(logger, pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                        ProxyErrors.Describe(kind, exception), next.Name, suppressed);
                }
                telemetry?.Retried(server, error);
                retriesLeft--;
                ResetForRetry(context);
                server = next;
            }
        }
        finally
        {
            if (telemetry is not null)
            {
                var total = time.GetElapsedTime(started).TotalSeconds;
                var upstreamSeconds = upstream / (double)time.TimestampFrequency;
                telemetry.RequestCompleted(context, new RequestOutcome(pool, attempts == 0 ? null : server, attempts, error, total, upstreamSeconds));
            }
        }
    }

    /// <summary>One attempt on <paramref name="server"/> (already counted in flight), accounted when it ends.</summary>
    /// <remarks>A pooled builder: the attempt's state machine is reused instead of allocated per request.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ForwarderError Error, RequestError Kind, Exception? Exception)> SendAsync(
        HttpContext context, PoolTarget route, ServerState server, ServerState? stuckTo, long started)
    {
        var pool = route.Pool;
        if (pool.Config.ServerHeader)
        {
            context.Response.Headers[ServerHeaderName] = server.Name;
        }
        StickySessions.SetCookie(context, pool, server, stuckTo);
        var error = ForwarderError.None;
        var kind = RequestError.None;
        Exception? exception = null;
        try
        {
            error = await forwarder.SendAsync(context, server.DestinationPrefix, route.Client, route.RequestConfig, ForwardedHeadersTransformer.Instance);
            if (error != ForwarderError.None)
            {
                exception = context.GetForwarderErrorFeature()?.Exception;
                kind = ProxyErrors.Classify(error, exception);
                if (kind is RequestError.ClientAborted or RequestError.IdleClosed)
                {
                    ProxyLog.ClientAborted(logger, pool.Name, server.Name, kind, exception);
                }
            }
        }
        catch (Exception ex)
        {
            error = ForwarderError.Request;
            kind = RequestError.ServerFailed;
            exception = ex;
            ProxyLog.Unexpected(logger, context.Request.Method, context.Request.Path, pool.Name, server.Name, ex);
        }
        finally
        {
            var ended = time.GetTimestamp();
            var failed = ProxyErrors.IsServerFault(kind);
            var status = failed && !context.Response.HasStarted ? StatusFor(kind) : context.Response.StatusCode;
            server.RequestCompleted(status, failed, time.GetElapsedTime(started, ended).TotalSeconds, ended);
            if (kind is not (RequestError.ClientAborted or RequestError.IdleClosed))
            {
                OutlierDetector.Record(pool, server, status, failed);
            }
            route.Queue.Release();
        }
        return (error, kind, exception);
    }

    /// <summary>
    /// A server of the pool with room for one more request, counted in flight; null when none (or all tried). A client
    /// stuck to a server (<paramref name="stuckTo"/>, not tried yet) gets that server or nothing.
    /// </summary>
    private static ServerState? TryAcquire(PoolState pool, in SelectionContext selection, in Tried tried, ServerState? stuckTo = null)
    {
        if (stuckTo is not null && !tried.Contains(stuckTo))
        {
            return stuckTo.TryStartRequest() ? stuckTo : null;
        }
        // The balancer's choice first; when it is full (or already tried), a few more picks, then every usable server
        // in order, which also gives a hashing pool a stable next choice.
        var usable = pool.UsableCount;
        for (var attempt = 0; attempt <= Math.Min(usable, 3); attempt++)
        {
            var server = pool.Pick(in selection);
            if (server is null)
            {
                return null;
            }
            if (!tried.Contains(server) && server.TryStartRequest())
            {
                return server;
            }
        }
        return FirstWithRoom(pool, tried, backups: false) ?? FirstWithRoom(pool, tried, backups: true);
    }

    private static ServerState? FirstWithRoom(PoolState pool, in Tried tried, bool backups)
    {
        foreach (var server in pool.Servers)
        {
            if (server.IsUsable && server.Config.Backup == backups && !tried.Contains(server) && server.TryStartRequest())
            {
                return server;
            }
        }
        return null;
    }

    /// <summary>Every usable server is full: wait in the pool's queue until one has room, the queue timeout, or the client leaves.</summary>
    private async Task<(ServerState? Server, QueueWait Outcome)> WaitForRoomAsync(HttpContext context, PoolTarget route, SelectionContext selection,
        ServerState? stuckTo, long started)
    {
        var queue = route.Queue;
        while (true)
        {
            var remaining = queue.Timeout - time.GetElapsedTime(started);
            var outcome = remaining > TimeSpan.Zero ? await queue.WaitAsync(remaining, context.RequestAborted) : QueueWait.TimedOut;
            var server = TryAcquire(route.Pool, in selection, tried: default, stuckTo);
            if (server is not null || outcome != QueueWait.Woken)
            {
                if (server is null && _queueLog.TryAcquire(out var suppressed))
                {
                    var why = outcome == QueueWait.Full ? $"the queue is full ({queue.Size} waiting)" : $"no room came within {queue.Timeout.TotalMilliseconds:0} ms";
                    ProxyLog.QueueRefused(logger, route.Pool.Name, why, context.Request.Method, context.Request.Path, suppressed);
                }
                return (server, outcome);
            }
        }
    }

    /// <summary>Makes the request body readable again for a retry when it is small enough; false when it cannot be.</summary>
    private static bool PrepareReplay(HttpRequest request, int limit)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return true;
        }
        if (request.ContentLength is { } length && length <= limit)
        {
            request.EnableBuffering(bufferThreshold: limit, bufferLimit: limit);
            return true;
        }
        return false;
    }

    private static bool CanRetry(HttpContext context, ForwarderError error, RequestError kind, bool replayable)
    {
        if (context.Response.HasStarted || !ProxyErrors.BeforeResponse(error) || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
        return replayable && (kind == RequestError.ConnectFailed || IsIdempotent(context.Request.Method));
    }

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);

    private static void ResetForRetry(HttpContext context)
    {
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }
    }

    private async Task AnswerNoServerAsync(HttpContext context, PoolState pool, long started)
    {
        if (_noServerLog.TryAcquire(out var suppressed))
        {
            ProxyLog.NoServer(logger, pool.Name, context.Request.Method, context.Request.Path, suppressed);
        }
        await ErrorResponses.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable);
        pool.Unrouted.RequestCompleted(StatusCodes.Status503ServiceUnavailable, time.GetElapsedTime(started).TotalSeconds);
    }

    private async Task AnswerFailureAsync(HttpContext context, PoolState pool, ServerState server, RequestError kind, Exception? exception)
    {
        // YARP has set 502, 504 or 400 when nothing was sent to the client yet; add the body.
        var status = context.Response.HasStarted ? context.Response.StatusCode : StatusFor(kind);
        if (_failureLog.TryAcquire(out var suppressed))
        {
            ProxyLog.ServerFailed(logger, pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                ProxyErrors.Describe(kind, exception), status, suppressed);
        }
        await ErrorResponses.WriteAsync(context.Response, status);
    }

    private static int StatusFor(RequestError kind) => kind switch
    {
        RequestError.TimedOut => StatusCodes.Status504GatewayTimeout,
        RequestError.BadRequest => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    };

    /// <summary>The servers a request has been sent to: at most a handful, kept without allocating.</summary>
    private struct Tried
    {
        private ServerState? _first;
        private ServerState? _second;
        private List<ServerState>? _more;

        public readonly bool Contains(ServerState server) =>
            ReferenceEquals(_first, server) || ReferenceEquals(_second, server) || (_more?.Contains(server) ?? false);

        public void Add(ServerState server)
        {
            if (_first is null)
            {
                _first = server;
            }
            else if (_second is null)
            {
                _second = server;
            }
            else
            {
                (_more ??= []).Add(server);
            }
        }
    }
}
