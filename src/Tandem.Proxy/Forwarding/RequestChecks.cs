using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Tandem.Core.Requests;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// What Tandem refuses before choosing a server, because it could not forward it as received: the client's fault,
/// answered by Tandem, never sent to or counted against a server. Kestrel has already refused what HTTP itself forbids
/// (no Host on HTTP/1.1, a bad Host, bad header bytes: see <c>RequestHeaderEncodings</c>); these are the cases it lets by.
/// </summary>
internal static class RequestChecks
{
    /// <summary>
    /// Puts the route's <c>max-body</c> in force for this request in place of the listener's (Kestrel's per-request
    /// limit, so a chunked body is still cut off while streaming). Not possible once the body is being read, and not for
    /// an upgrade request, whose body is the upgraded stream.
    /// </summary>
    public static void ApplyMaxBody(HttpContext context, long maxBody)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBody == long.MaxValue ? null : maxBody;
        }
    }

    /// <summary><see cref="RequestError.None"/> when the request may be forwarded; otherwise why not.</summary>
    public static RequestError Refuse(HttpContext context, out string reason)
    {
        var request = context.Request;
        // A Host line with no value (RFC 9112 section 3.2: 400). Sent on, it reached servers next to the Host the
        // upstream client adds for a request without one: two Host lines.
        if (!request.Host.HasValue && request.Headers.ContainsKey(HeaderNames.Host))
        {
            reason = "empty Host header";
            return RequestError.BadRequest;
        }
        // A declared length over max-body: refused before a byte of the body is read. A chunked body over the limit
        // is stopped by Kestrel while streaming (also 413).
        if (request.ContentLength is { } length
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } limit && length > limit)
        {
            reason = "Content-Length over max-body";
            return RequestError.BodyTooLarge;
        }
        reason = "";
        return RequestError.None;
    }
}
