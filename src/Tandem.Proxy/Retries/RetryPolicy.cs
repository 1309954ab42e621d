using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tandem.Core.Config;
using Tandem.Core.Requests;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Pipeline;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Retries;

/// <summary>
/// When a failed attempt may be tried on another server. A retry is safe when the attempt failed before any response
/// arrived and nothing reached the client, and either nothing was sent (a connect failure) or the method is idempotent
/// (GET, HEAD, OPTIONS, PUT, DELETE, TRACE); a request body must have been buffered (up to <c>retry-body-limit</c>) to
/// be sent again. Retries are bounded per request (<c>retries</c>) and per pool (<see cref="RetryBudget"/>: at most 20%
/// extra load). One per route; immutable but for the shared budget.
/// </summary>
/// <param name="retries">Further servers a failed request may be tried on (<c>retries</c>, above 0).</param>
/// <param name="bodyLimit">Request bodies up to this size are buffered so a retry can send them again.</param>
/// <param name="budget">The pool's retry budget.</param>
internal sealed class RetryPolicy(int retries, int bodyLimit, RetryBudget budget)
{
    /// <summary>The policy of a pool's <c>retries</c> and <c>retry-body-limit</c>; null when it never retries.</summary>
    public static RetryPolicy? For(PoolConfig config, RetryBudget budget)
    {
        var count = config.Retries ?? ConfigDefaults.Retries;
        return count > 0 ? new RetryPolicy(count, config.RetryBodyLimit ?? ConfigDefaults.RetryBodyLimit, budget) : null;
    }

    /// <summary>A request of the pool arrived: the budget earns its share of a retry.</summary>
    public void Earn() => budget.Deposit();

    /// <summary>Before the first attempt: the request's retries, and its body made readable again when it is small enough.</summary>
    public void Prepare(RequestState state)
    {
        state.RetriesLeft = retries;
        state.Replayable = PrepareReplay(state.Http.Request, bodyLimit);
    }

    /// <summary>After a failed attempt: whether the request may go to another server (taking one retry from the budget).</summary>
    public bool Allows(RequestState state, ForwarderError error)
    {
        if (state.RetriesLeft <= 0 || !CanRetry(state.Http, error, state.Error, state.Replayable) || !budget.TryWithdraw())
        {
            return false;
        }
        state.RetriesLeft--;
        return true;
    }

    /// <summary>Clears what the failed attempt left on the response and rewinds the buffered body.</summary>
    public static void Reset(HttpContext context)
    {
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }
    }

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
}
