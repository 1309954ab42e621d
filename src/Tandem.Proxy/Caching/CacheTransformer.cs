using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The cache's part of forwarding, around the route's own transformer: a revalidation sends the stored response's
/// validators in place of the client's; a 304 to them, or a 5xx while a stale fallback is allowed, is kept from the
/// client (the stage answers from the store); a storable response gets a <see cref="BodyCapture"/> before the body is
/// copied (and before compression, so what is stored is what was sent). One per caching route and config.
/// </summary>
internal sealed class CacheTransformer(HttpTransformer inner, CacheStage stage) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await inner.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (httpContext.Features.Get<CacheExchange>() is not { Validating: { } stored })
        {
            return;
        }
        foreach (var name in CacheKeys.ConditionalHeaders)
        {
            proxyRequest.Headers.Remove(name);
        }
        if (stored.ETag is { } etag)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.IfNoneMatch, etag);
        }
        if (stored.Header(HeaderNames.LastModified) is { } lastModified)
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.IfModifiedSince, lastModified);
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var exchange = httpContext.Features.Get<CacheExchange>();
        if (exchange is null || proxyResponse is null)
        {
            return await inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }
        exchange.ResponseTime = stage.Now;
        var status = (int)proxyResponse.StatusCode;
        if (status == StatusCodes.Status304NotModified && exchange.Validating is not null)
        {
            exchange.NotModified = ResponseHeaders.Of(proxyResponse);
            return false;
        }
        if (status >= 500 && exchange.Fallback is { } fallback && stage.MayServeOnError(fallback, exchange.ResponseTime))
        {
            exchange.ServeFallback = true;
            return false;
        }
        if (stage.Storable(httpContext.Request, proxyResponse, exchange))
        {
            exchange.Capture = BodyCapture.Attach(httpContext, stage.MaxObject);
        }
        var copied = await inner.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (!copied)
        {
            exchange.Capture?.Abandon();
        }
        else if (exchange.Capture is { } capture)
        {
            // What the client gets may vary by more than the server said: compression adds Accept-Encoding, the route's
            // response-headers may add others. Variants are keyed by what is sent.
            if (CacheKeys.VaryNames(httpContext.Response.Headers.Vary) is { } sent)
            {
                exchange.VaryNames = sent;
            }
            else
            {
                capture.Abandon();
            }
        }
        if (stage.XCache && !exchange.Background)
        {
            httpContext.Response.Headers[CacheStage.XCacheHeader] = "MISS";
        }
        return copied;
    }
}
