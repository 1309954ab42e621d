using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tandem.Core.Pools;
using Tandem.Proxy.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The request path: pick a server of the listener's pool, forward with YARP's <see cref="IHttpForwarder"/>, account
/// for the outcome, and answer 502/503/504 with a short body and a log line when the server could not.
/// No locks, no LINQ, nothing allocated here beyond what forwarding itself needs.
/// </summary>
internal sealed class RequestForwarder(IHttpForwarder forwarder, TimeProvider time, ILogger<RequestForwarder> logger)
{
    /// <summary>The response header naming the server, when the pool sets <c>server-header: true</c>.</summary>
    public const string ServerHeaderName = "X-Tandem-Server";

    private readonly LogThrottle _noServerLog = new(time, TimeSpan.FromSeconds(1));
    private readonly LogThrottle _failureLog = new(time, TimeSpan.FromSeconds(1));

    public async Task ForwardAsync(HttpContext context, PoolRoute route)
    {
        var started = time.GetTimestamp();
        var pool = route.Pool;
        var selection = SelectionContexts.For(context, pool);
        var server = pool.Pick(in selection);
        if (server is null)
        {
            await AnswerNoServerAsync(context, pool, started);
            return;
        }

        server.RequestStarted();
        if (pool.Config.ServerHeader)
        {
            context.Response.Headers[ServerHeaderName] = server.Name;
        }
        var serverFailed = false;
        try
        {
            var error = await forwarder.SendAsync(context, server.DestinationPrefix, route.Client, route.RequestConfig, ForwardedHeadersTransformer.Instance);
            if (error != ForwarderError.None)
            {
                serverFailed = await HandleErrorAsync(context, pool, server, error);
            }
        }
        catch (Exception ex)
        {
            serverFailed = true;
            ProxyLog.Unexpected(logger, context.Request.Method, context.Request.Path, pool.Name, server.Name, ex);
            await ErrorResponses.WriteAsync(context.Response, StatusCodes.Status502BadGateway);
        }
        finally
        {
            var ended = time.GetTimestamp();
            server.RequestCompleted(context.Response.StatusCode, serverFailed, time.GetElapsedTime(started, ended).TotalSeconds, ended);
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

    /// <returns>Whether the server is to blame.</returns>
    private async ValueTask<bool> HandleErrorAsync(HttpContext context, PoolState pool, ServerState server, ForwarderError error)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        var kind = ProxyErrors.Classify(error, exception);
        if (kind is ProxyErrorKind.ClientAborted or ProxyErrorKind.IdleClosed)
        {
            ProxyLog.ClientAborted(logger, pool.Name, server.Name, kind, exception);
            return false;
        }

        // YARP has set 502, 504 or 400 when nothing was sent to the client yet; add the body.
        var status = context.Response.HasStarted ? context.Response.StatusCode : StatusFor(kind);
        if (_failureLog.TryAcquire(out var suppressed))
        {
            ProxyLog.ServerFailed(logger, pool.Name, server.Name, server.Address.ToString(), context.Request.Method, context.Request.Path,
                ProxyErrors.Describe(kind, exception), status, suppressed);
        }
        await ErrorResponses.WriteAsync(context.Response, status);
        return ProxyErrors.IsServerFault(kind);
    }

    private static int StatusFor(ProxyErrorKind kind) => kind switch
    {
        ProxyErrorKind.TimedOut => StatusCodes.Status504GatewayTimeout,
        ProxyErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    };
}
