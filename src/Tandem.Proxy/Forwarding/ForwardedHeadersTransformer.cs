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

    public const string ForwardedFor = "X-Forwarded-For";
    public const string ForwardedProto = "X-Forwarded-Proto";
    public const string ForwardedHost = "X-Forwarded-Host";
    public const string RealIp = "X-Real-IP";
    public const string Forwarded = "Forwarded";

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

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var copied = base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is null || !copied.IsCompletedSuccessfully)
        {
            return copied;
        }
        ConnectionOptions.RemoveListed(proxyResponse, httpContext.Response.Headers);
        return copied;
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
        else if (request.Path.Value is { } path && path.Contains('%', StringComparison.Ordinal))
        {
            // YARP's own copy encodes every '%' again, so a kept %2F (an encoded slash) would reach the server as %252F.
            // (YARP's address stays in the unlikely case that this one does not parse.)
            var target = destinationPrefix.TrimEnd('/') + UpstreamPath.Of(request) + request.QueryString.ToUriComponent();
            if (Uri.TryCreate(target, UriKind.Absolute, out var uri))
            {
                proxyRequest.RequestUri = uri;
            }
        }
        // The base copy brought the client's headers along, less the fixed hop-by-hop set; those the client's Connection
        // field names go too. Each of the rest is kept, appended to or replaced here.
        ConnectionOptions.RemoveListed(request, proxyRequest);
        var values = Compute(httpContext);
        var outgoing = proxyRequest.Headers;
        if (values.ReplaceFor)
        {
            outgoing.Remove(ForwardedFor);
        }
        if (values.For is not null)
        {
            outgoing.TryAddWithoutValidation(ForwardedFor, values.For);
        }
        if (values.Proto is not null)
        {
            outgoing.Remove(ForwardedProto);
            outgoing.TryAddWithoutValidation(ForwardedProto, values.Proto);
        }
        if (values.ReplaceHost)
        {
            outgoing.Remove(ForwardedHost);
            if (values.Host is not null)
            {
                outgoing.TryAddWithoutValidation(ForwardedHost, values.Host);
            }
        }
        if (values.ReplaceRealIp)
        {
            outgoing.Remove(RealIp);
            if (values.RealIp is not null)
            {
                outgoing.TryAddWithoutValidation(RealIp, values.RealIp);
            }
        }
        if (values.Forwarded is not null)
        {
            outgoing.Remove(Forwarded);
            outgoing.TryAddWithoutValidation(Forwarded, values.Forwarded);
        }
    }

    /// <summary>
    /// What this hop does to the forwarding headers of <paramref name="httpContext"/>'s request: the one place the rules
    /// above are decided, applied to an <see cref="HttpRequestMessage"/> here and written straight into the request head
    /// by the HTTP/1.1 upstream path.
    /// </summary>
    public ForwardedValues Compute(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var incoming = request.Headers;
        var peer = httpContext.Connection.RemoteIpAddress;
        var trusted = peer is not null && Addresses.Trusts(peer);
        var address = peer is null ? null : FormatClient(peer);
        var values = new ForwardedValues { For = address };

        if (incoming.TryGetValue(ForwardedFor, out var priorFor) && priorFor.Count > 0)
        {
            values.ReplaceFor = true;
            if (trusted)
            {
                values.For = Append(priorFor, address!);
            }
        }
        if (!trusted || !incoming.ContainsKey(ForwardedProto))
        {
            values.Proto = request.Scheme;
        }
        if (!trusted || !incoming.ContainsKey(ForwardedHost))
        {
            values.ReplaceHost = true;
            values.Host = request.Host.HasValue ? request.Host.Value : null;
        }
        if (!trusted && incoming.ContainsKey(RealIp))
        {
            values.ReplaceRealIp = true;
            values.RealIp = address;
        }
        if (incoming.TryGetValue(Forwarded, out var priorForwarded) && priorForwarded.Count > 0)
        {
            var node = address is null ? "unknown" : ForwardedNode(peer!, address);
            values.Forwarded = trusted ? Append(priorForwarded, "for=" + node) : ForwardedElement(node, request);
        }
        return values;
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

/// <summary>
/// The forwarding headers one request gets (<see cref="ForwardedHeadersTransformer.Compute"/>): each <c>Replace</c> flag
/// (or a non-null <see cref="Proto"/> or <see cref="Forwarded"/>) drops what the client sent under that name, and a
/// non-null value is sent in its place.
/// </summary>
internal struct ForwardedValues
{
    /// <summary><c>X-Forwarded-For</c> to send; null: none.</summary>
    public string? For;

    /// <summary>Whether the client sent an <c>X-Forwarded-For</c> that <see cref="For"/> replaces.</summary>
    public bool ReplaceFor;

    /// <summary><c>X-Forwarded-Proto</c> to send instead of the client's; null: the client's stays.</summary>
    public string? Proto;

    /// <summary>Whether the client's <c>X-Forwarded-Host</c> is dropped for <see cref="Host"/> (none when null).</summary>
    public bool ReplaceHost;

    public string? Host;

    /// <summary>Whether the client's <c>X-Real-IP</c> is dropped for <see cref="RealIp"/> (none when null).</summary>
    public bool ReplaceRealIp;

    public string? RealIp;

    /// <summary><c>Forwarded</c> to send instead of the client's; null: the client sent none.</summary>
    public string? Forwarded;
}
