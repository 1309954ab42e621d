using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Tandem.Proxy.Admission.Policies;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Copies the request as YARP's empty transformer does (every header but hop-by-hop ones, the client's Host kept,
/// as HAProxy and Envoy do) and sets the forwarding headers, trusting what a client sent only when the connection
/// comes from one of the listener's <c>trusted-proxies</c>:
/// <list type="bullet">
/// <item>from anyone else, <c>X-Forwarded-For</c> becomes the peer's address, <c>X-Forwarded-Proto</c> and
/// <c>X-Forwarded-Host</c> what this hop saw, and a sent <c>X-Real-IP</c> or <c>Forwarded</c> is replaced with the same
/// facts (the peer; <c>for</c>, <c>host</c>, <c>proto</c>), so a client cannot forge any of them;</item>
/// <item>from a trusted proxy, the peer is appended to <c>X-Forwarded-For</c> (nginx's
/// <c>$proxy_add_x_forwarded_for</c>) and to <c>Forwarded</c> (RFC 7239 section 7.1), and the proxy's
/// <c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c> and <c>X-Real-IP</c> are kept (set from this hop when absent).</item>
/// </list>
/// A route's <c>request-headers</c> apply after this (<see cref="RouteTransformer"/>) and may override any of it.
/// <c>OPTIONS *</c> keeps its asterisk form (<see cref="AsteriskForm"/>). One per listener and config (its trusted
/// networks); immutable, shared by the listener's concurrent requests.
/// </summary>
internal sealed class ForwardedHeadersTransformer(ClientAddressResolver addresses) : HttpTransformer
{
    /// <summary>For a listener that trusts no proxy.</summary>
    public static readonly ForwardedHeadersTransformer Direct = new(ClientAddressResolver.Direct);

    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string RealIp = "X-Real-IP";
    private const string Forwarded = "Forwarded";

    /// <summary>How the listener finds the real client address (its <c>trusted-proxies</c>).</summary>
    public ClientAddressResolver Addresses { get; } = addresses;

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

    private async ValueTask AddAfter(ValueTask copied, HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        await copied;
        AddForwardedHeaders(httpContext, proxyRequest, destinationPrefix);
    }

    private void AddForwardedHeaders(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix)
    {
        var request = httpContext.Request;
        if (AsteriskForm.Is(request))
        {
            proxyRequest.RequestUri = AsteriskForm.MarkedUri(destinationPrefix);
        }
        var incoming = request.Headers;
        var outgoing = proxyRequest.Headers;
        var peer = httpContext.Connection.RemoteIpAddress;
        var trusted = peer is not null && Addresses.Trusts(peer);
        var address = peer is null ? null : FormatClient(peer);

        // The base copy brought the client's headers along; each is kept, appended to or replaced here.
        var forwardedFor = address;
        if (incoming.TryGetValue(ForwardedFor, out var priorFor) && priorFor.Count > 0)
        {
            outgoing.Remove(ForwardedFor);
            if (trusted)
            {
                forwardedFor = Append(priorFor, address!);
            }
        }
        if (forwardedFor is not null)
        {
            outgoing.TryAddWithoutValidation(ForwardedFor, forwardedFor);
        }

        if (!trusted || !incoming.ContainsKey(ForwardedProto))
        {
            outgoing.Remove(ForwardedProto);
            outgoing.TryAddWithoutValidation(ForwardedProto, request.Scheme);
        }

        if (!trusted || !incoming.ContainsKey(ForwardedHost))
        {
            outgoing.Remove(ForwardedHost);
            if (request.Host.HasValue)
            {
                outgoing.TryAddWithoutValidation(ForwardedHost, request.Host.Value);
            }
        }

        if (!trusted && incoming.ContainsKey(RealIp))
        {
            outgoing.Remove(RealIp);
            if (address is not null)
            {
                outgoing.TryAddWithoutValidation(RealIp, address);
            }
        }

        if (incoming.TryGetValue(Forwarded, out var priorForwarded) && priorForwarded.Count > 0)
        {
            outgoing.Remove(Forwarded);
            var node = address is null ? "unknown" : ForwardedNode(peer!, address);
            outgoing.TryAddWithoutValidation(Forwarded, trusted ? Append(priorForwarded, "for=" + node) : ForwardedElement(node, request));
        }
    }

    /// <summary>The values a trusted proxy sent, then <paramref name="last"/>, comma-separated.</summary>
    private static string Append(StringValues prior, string last)
    {
        if (prior.Count == 1)
        {
            return string.Concat(prior[0], ", ", last);
        }
        return string.Join(", ", prior.ToArray()) + ", " + last;
    }

    /// <summary>An RFC 7239 element for this hop: <c>for=...;host="...";proto=...</c> (host left out when it cannot be quoted as is).</summary>
    private static string ForwardedElement(string node, HttpRequest request)
    {
        var host = request.Host.Value;
        return string.IsNullOrEmpty(host) || host.Contains('"', StringComparison.Ordinal) || host.Contains('\\', StringComparison.Ordinal)
            ? string.Concat("for=", node, ";proto=", request.Scheme)
            : string.Concat("for=", node, ";host=\"", host, "\";proto=", request.Scheme);
    }

    /// <summary>An IPv6 node is quoted and bracketed (RFC 7239 section 6).</summary>
    private static string ForwardedNode(IPAddress peer, string address) =>
        peer.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !peer.IsIPv4MappedToIPv6 ? "\"[" + address + "]\"" : address;

    private static string FormatClient(IPAddress client) =>
        client.IsIPv4MappedToIPv6 ? client.MapToIPv4().ToString() : client.ToString();
}
