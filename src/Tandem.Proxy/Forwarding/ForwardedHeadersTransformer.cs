using System.Net;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Copies the request as YARP's empty transformer does (every header but hop-by-hop ones, the client's Host kept,
/// as HAProxy and Envoy do) and sets the forwarding headers: <c>X-Forwarded-For</c> gets the client address appended
/// (like nginx's <c>$proxy_add_x_forwarded_for</c>), <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are
/// replaced with what this hop saw, so a client cannot forge them. <c>OPTIONS *</c> keeps its asterisk form
/// (<see cref="AsteriskForm"/>).
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    public static readonly ForwardedHeadersTransformer Instance = new();

    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";

    private ForwardedHeadersTransformer()
    {
    }

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var copied = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copied.IsCompletedSuccessfully)
        {
            return AddAfter(copied, httpContext, proxyRequest, destinationPrefix);
        }
        AddForwardedHeaders(httpContext, proxyRequest, destinationPrefix);
        return default;
    }

    private static async ValueTask AddAfter(ValueTask copied, HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        await copied;
        AddForwardedHeaders(httpContext, proxyRequest, destinationPrefix);
    }

    private static void AddForwardedHeaders(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        var request = httpContext.Request;
        if (AsteriskForm.Is(request))
        {
            proxyRequest.RequestUri = AsteriskForm.MarkedUri(destinationPrefix);
        }
        var incoming = request.Headers;
        var outgoing = proxyRequest.Headers;

        var client = httpContext.Connection.RemoteIpAddress;
        if (client is not null)
        {
            var address = FormatClient(client);
            if (incoming.TryGetValue(ForwardedFor, out var prior) && prior.Count > 0)
            {
                outgoing.Remove(ForwardedFor);
                address = string.Join(", ", prior.ToArray()) + ", " + address;
            }
            outgoing.TryAddWithoutValidation(ForwardedFor, address);
        }

        if (incoming.ContainsKey(ForwardedProto))
        {
            outgoing.Remove(ForwardedProto);
        }
        outgoing.TryAddWithoutValidation(ForwardedProto, request.Scheme);

        if (incoming.ContainsKey(ForwardedHost))
        {
            outgoing.Remove(ForwardedHost);
        }
        if (request.Host.HasValue)
        {
            outgoing.TryAddWithoutValidation(ForwardedHost, request.Host.Value);
        }
    }

    private static string FormatClient(IPAddress client) =>
        client.IsIPv4MappedToIPv6 ? client.MapToIPv4().ToString() : client.ToString();
}
