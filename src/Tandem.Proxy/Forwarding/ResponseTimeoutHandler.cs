namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Bounds the wait for a server's response headers (<c>timeouts.response</c>) apart from the silence allowed between
/// body bytes (<c>timeouts.idle</c>, YARP's activity timeout). SocketsHttpHandler returns from SendAsync once the
/// headers are in, so a timeout here covers exactly that wait. It surfaces as a <see cref="TimeoutException"/>, which
/// the proxy maps to 504 and a failure of the server (not a client abort). The pool's timeout applies unless the
/// request's route set its own (<see cref="RouteOverride"/>, flowing with the forward stage's async context).
/// </summary>
internal sealed class ResponseTimeoutHandler(HttpMessageHandler inner, TimeSpan timeout) : DelegatingHandler(inner)
{
    /// <summary>
    /// The route's <c>timeouts.response</c> for the request being sent from this async context; set by the forward stage
    /// only for routes that have one, so other requests pay one read of an unset value.
    /// </summary>
    public static readonly AsyncLocal<TimeSpan?> RouteOverride = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var wait = RouteOverride.Value ?? timeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(wait);
        try
        {
            return await base.SendAsync(request, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no response headers within {wait.TotalMilliseconds:0} ms");
        }
    }
}
