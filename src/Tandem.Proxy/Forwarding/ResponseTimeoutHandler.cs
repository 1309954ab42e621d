namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Bounds the wait for a server's response headers (<c>timeouts.response</c>) apart from the silence allowed between
/// body bytes (<c>timeouts.idle</c>, YARP's activity timeout). SocketsHttpHandler returns from SendAsync once the
/// headers are in, so a timeout here covers exactly that wait. It surfaces as a <see cref="TimeoutException"/>, which
/// the proxy maps to 504 and a failure of the server (not a client abort).
/// </summary>
internal sealed class ResponseTimeoutHandler(HttpMessageHandler inner, TimeSpan timeout) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no response headers within {timeout.TotalMilliseconds:0} ms");
        }
    }
}
