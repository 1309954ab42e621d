using Microsoft.AspNetCore.Http;
using Tandem.Proxy.Compression;
using Tandem.Core.Pools;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// The request and response changes of a route that has any (rewrite, host, request and response headers, error
/// pages that replace the server's answers, compression), on top of what <see cref="ForwardedHeadersTransformer"/> does for every
/// route. One per route and config; shared by the route's concurrent requests, so it holds nothing per request.
/// </summary>
internal sealed class RouteTransformer(PoolState pool, ForwardedHeadersTransformer forwarded, PathRewrite? rewrite, string? host, HeaderChanges? requestHeaders,
    HeaderChanges? responseHeaders, ErrorPages? intercept = null, ResponseCompression? compression = null)
    : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await forwarded.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        if (rewrite is { ChangesPath: true } && !AsteriskForm.Is(request))
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, rewrite.Apply(request.Path), request.QueryString);
        }
        if (host is not null)
        {
            proxyRequest.Headers.Host = host;
        }
        requestHeaders?.ApplyTo(proxyRequest, httpContext, requestHeaders.UsesServer ? ServerByPrefix(destinationPrefix) : null);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (intercept is not null && proxyResponse is not null && intercept.For((int)proxyResponse.StatusCode) is { } page)
        {
            // The server's status stays (health and metrics see what the server said); its headers and body do not.
            var response = httpContext.Response;
            response.StatusCode = (int)proxyResponse.StatusCode;
            responseHeaders?.ApplyTo(response.Headers, httpContext,
                responseHeaders.UsesServer ? ServerByUri(proxyResponse.RequestMessage?.RequestUri) : null);
            await ErrorPages.WriteAsync(response, response.StatusCode, page);
            return false;
        }
        var copied = await forwarded.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (responseHeaders is not null && proxyResponse is not null)
        {
            responseHeaders.ApplyTo(httpContext.Response.Headers, httpContext,
                responseHeaders.UsesServer ? ServerByUri(proxyResponse.RequestMessage?.RequestUri) : null);
        }
        if (compression is not null && proxyResponse is not null && copied)
        {
            compression.Start(httpContext);
        }
        return copied;
    }

    private string? ServerByPrefix(string prefix)
    {
        foreach (var server in pool.Servers)
        {
            if (string.Equals(server.DestinationPrefix, prefix, StringComparison.Ordinal))
            {
                return server.Name;
            }
        }
        return null;
    }

    private string? ServerByUri(Uri? uri)
    {
        if (uri is null)
        {
            return null;
        }
        foreach (var server in pool.Servers)
        {
            if (server.Address.Port == uri.Port && string.Equals(server.Address.HostForUri(), uri.Host, StringComparison.OrdinalIgnoreCase))
            {
                return server.Name;
            }
        }
        return null;
    }
}
