using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// A header value or redirect target with placeholders (<see cref="RouteTemplate"/>), split into parts once per
/// config. A value without placeholders renders as its one string, allocating nothing. <c>{client.ip}</c> is the real
/// client address: the peer, or the client a trusted proxy names in <c>X-Forwarded-For</c>. Immutable.
/// </summary>
internal sealed class HeaderValue
{
    private readonly TemplatePart[] _parts;
    private readonly string? _literal;
    private readonly ClientAddressResolver _addresses;

    private HeaderValue(TemplatePart[] parts, ClientAddressResolver addresses)
    {
        _parts = parts;
        _addresses = addresses;
        _literal = parts.Length == 0 ? "" : parts is [{ IsPlaceholder: false } only] ? only.Text : null;
        foreach (var part in parts)
        {
            UsesServer |= part.IsPlaceholder && part.Text == "server.name";
        }
    }

    /// <summary>Whether the value names the server (<c>{server.name}</c>).</summary>
    public bool UsesServer { get; }

    /// <summary>
    /// Compiles a template validated with the same <paramref name="names"/> when the config was loaded;
    /// <paramref name="addresses"/> (default: the peer is the client) gives <c>{client.ip}</c>.
    /// </summary>
    public static HeaderValue Compile(string text, IReadOnlyList<string> names, ClientAddressResolver? addresses = null) =>
        new([.. RouteTemplate.Parse(text, names, out var error) ?? throw new ArgumentException(error, nameof(text))], addresses ?? ClientAddressResolver.Direct);

    public string Render(HttpContext context, string? server)
    {
        if (_literal is not null)
        {
            return _literal;
        }
        var text = new StringBuilder();
        var request = context.Request;
        foreach (var part in _parts)
        {
            if (!part.IsPlaceholder)
            {
                text.Append(part.Text);
                continue;
            }
            switch (part.Text)
            {
                case "scheme":
                    text.Append(request.Scheme);
                    break;
                case "host":
                    text.Append(RequestHost.Of(request.Headers.Host));
                    break;
                case "path":
                    text.Append(request.Path.ToUriComponent());
                    break;
                case "query":
                    text.Append(request.QueryString.ToUriComponent());
                    break;
                case "uri":
                    text.Append(request.Path.ToUriComponent()).Append(request.QueryString.ToUriComponent());
                    break;
                case "client.ip":
                    text.Append(context.Connection.RemoteIpAddress is null ? "" : _addresses.Resolve(context).ToString());
                    break;
                case "request.id":
                    text.Append(context.TraceIdentifier);
                    break;
                case "server.name":
                    text.Append(server);
                    break;
            }
        }
        return text.ToString();
    }
}
