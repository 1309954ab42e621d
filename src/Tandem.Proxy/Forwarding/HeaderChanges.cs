using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// A route's <c>request-headers</c> or <c>response-headers</c>, compiled once per config and applied in the order
/// remove, set, add. <c>set</c> replaces what the client (or server) sent, so a client cannot forge a header a route
/// sets, such as <c>X-Real-IP</c>. Immutable.
/// </summary>
internal sealed class HeaderChanges
{
    private readonly string[] _remove;
    private readonly (string Name, HeaderValue Value)[] _set;
    private readonly (string Name, HeaderValue Value)[] _add;

    /// <summary><paramref name="addresses"/>: the listener's <c>trusted-proxies</c>, for <c>{client.ip}</c> (default: the peer).</summary>
    public HeaderChanges(HeaderActions actions, ClientAddressResolver? addresses = null)
    {
        _remove = [.. actions.Remove];
        _set = Compile(actions.Set, addresses);
        _add = Compile(actions.Add, addresses);
        foreach (var (_, value) in _set)
        {
            UsesServer |= value.UsesServer;
        }
        foreach (var (_, value) in _add)
        {
            UsesServer |= value.UsesServer;
        }
    }

    /// <summary>The headers this sets or adds (rendered per request, so the cache stores them without these and renders them per answer).</summary>
    public IEnumerable<string> Written
    {
        get
        {
            foreach (var (name, _) in _set)
            {
                yield return name;
            }
            foreach (var (name, _) in _add)
            {
                yield return name;
            }
        }
    }

    /// <summary>Whether a value names the server, which the caller must then find.</summary>
    public bool UsesServer { get; }

    /// <summary>To the request sent to the server (general and content headers alike).</summary>
    public void ApplyTo(HttpRequestMessage request, HttpContext context, string? server)
    {
        foreach (var name in _remove)
        {
            Remove(request, name);
        }
        foreach (var (name, value) in _set)
        {
            Remove(request, name);
            Add(request, name, value.Render(context, server));
        }
        foreach (var (name, value) in _add)
        {
            Add(request, name, value.Render(context, server));
        }
    }

    /// <summary>To the response going back to the client.</summary>
    public void ApplyTo(IHeaderDictionary headers, HttpContext context, string? server)
    {
        foreach (var name in _remove)
        {
            headers.Remove(name);
        }
        foreach (var (name, value) in _set)
        {
            headers[name] = value.Render(context, server);
        }
        foreach (var (name, value) in _add)
        {
            headers.Append(name, value.Render(context, server));
        }
    }

    private static void Remove(HttpRequestMessage request, string name)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
    }

    private static void Add(HttpRequestMessage request, string name, string value)
    {
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static (string, HeaderValue)[] Compile(IReadOnlyList<KeyValuePair<string, string>> values, ClientAddressResolver? addresses)
    {
        var compiled = new (string, HeaderValue)[values.Count];
        for (var i = 0; i < compiled.Length; i++)
        {
            compiled[i] = (values[i].Key, HeaderValue.Compile(values[i].Value, RouteTemplate.HeaderNames, addresses));
        }
        return compiled;
    }
}
