using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Health;
using Tandem.Core.Pools;
using Tandem.Core.Requests;
using Tandem.Core.Selection;
using Tandem.Proxy.Diagnostics;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Retries;
using Tandem.Proxy.Selection;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The forward stage: sends the request to the server the select stage chose with YARP's <see cref="IHttpForwarder"/>,
/// accounts for each attempt's outcome on its server (health, outlier detection, the pool's queue), tries another
/// server when the route's <see cref="RetryPolicy"/> allows it, and answers 502/504 with a short body and a log line
/// when no server could. The first attempt of a request allocates nothing here beyond what forwarding itself needs.
/// </summary>
internal sealed class RequestForwarder(IHttpForwarder forwarder, TimeProvider time, ILogger<RequestForwarder> logger)
{
    /// <summary>The response header naming the server, when the pool sets <c>server-header: true</c>.</summary>
    public const string ServerHeaderName = "X-Tandem-Server";

    private readonly LogThrottle _failureLog = new(time, TimeSpan.FromSeconds(1));
    private readonly LogThrottle _retryLog = new(time, TimeSpan.FromSeconds(1));

    /// <summary>Forwards the request to <paramref name="server"/> (already counted in flight) and, while allowed, to others.</summary>
    /// <remarks>A pooled builder: the state machine is reused instead of allocated per request.</remarks>
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
            var (forwarderError, kind, exception) = await SendAsync(state, server);
            state.UpstreamTicks = time.GetTimestamp() - sent;
            state.Error = kind;
            if (kind is RequestError.None or RequestError.ClientAborted or RequestError.IdleClosed)
            {
                return;
            }

            var next = retry is not null && retry.Allows(state, forwarderError)
                ? ServerPicker.Acquire(state.Route.Target.Pool, state.Selection)
                : null;
            if (next is null)
            {
                await AnswerFailureAsync(state, server, kind, exception);
                return;
            }
            if (_retryLog.TryAcquire(out var suppressed))
            {
                ProxyLog.Retrying(logger, state.Route.Target.Pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                    ProxyErrors.Describe(kind, exception), next.Name, suppressed);
            }
            state.Recorder?.Retried(server, kind);
            RetryPolicy.Reset(context);
            server = next;
        }
    }

    /// <summary>One attempt on <paramref name="server"/> (already counted in flight), accounted when it ends.</summary>
    /// <remarks>A pooled builder: the attempt's state machine is reused instead of allocated per request.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ForwarderError Error, RequestError Kind, Exception? Exception)> SendAsync(RequestState state, ServerState server)
    {
        var context = state.Http;
        var route = state.Route;
        var target = route.Target;
        var pool = target.Pool;
        if (pool.Config.ServerHeader)
        {
            context.Response.Headers[ServerHeaderName] = server.Name;
        }
        StickySessions.SetCookie(context, pool, server, state.Selection);
        var error = ForwarderError.None;
        var kind = RequestError.None;
        Exception? exception = null;
        try
        {
            error = await forwarder.SendAsync(context, server.DestinationPrefix, target.Client, route.RequestConfig, ForwardedHeadersTransformer.Instance);
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
            server.RequestCompleted(status, failed, time.GetElapsedTime(state.Started, ended).TotalSeconds, ended);
            if (kind is not (RequestError.ClientAborted or RequestError.IdleClosed))
            {
                OutlierDetector.Record(pool, server, status, failed);
            }
            target.Queue.Release();
        }
        return (error, kind, exception);
    }

    private async Task AnswerFailureAsync(RequestState state, ServerState server, RequestError kind, Exception? exception)
    {
        var context = state.Http;
        // YARP has set 502, 504 or 400 when nothing was sent to the client yet; add the body.
        var status = context.Response.HasStarted ? context.Response.StatusCode : StatusFor(kind);
        if (_failureLog.TryAcquire(out var suppressed))
        {
            ProxyLog.ServerFailed(logger, state.Route.Target.Pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
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
}
