using Tandem.Core.Config.Sections.Policies;
using Tandem.Core.Config.Sections.Routes;
using Tandem.Core.Config.Sections.Tls;

namespace Tandem.Core.Config.Sections.Listeners;

/// <summary>
/// One of <c>listeners</c>: where it binds, its protocol and limits, and what it serves (a pool, HTTP <c>routes</c>, or a
/// layer-4 listener's settings, <see cref="StreamListenerBinder"/>). Its keys are internal: the layer-4 checks name them too.
/// </summary>
internal static class ListenerBinder
{
    private static readonly SectionKeys Keys = new();

    internal static readonly ConfigKey
        Name = Keys.Add("name"),
        BindAddress = Keys.Add("bind"),
        Protocol = Keys.Add("protocol"),
        Pool = Keys.Add("pool"),
        HttpVersions = Keys.Add("http-versions"),
        KeepaliveTimeout = Keys.Add("keepalive-timeout"),
        MaxConnections = Keys.Add("max-connections"),
        MaxBody = Keys.Add("max-body"),
        NonAsciiHeaders = Keys.Add("non-ascii-headers"),
        Policy = Keys.Add("policy"),
        TrustedProxies = Keys.Add("trusted-proxies"),
        Routes = Keys.Add("routes"),
        Tls = Keys.Add("tls"),
        AcceptProxy = Keys.Add("accept-proxy"),
        MaxSessions = Keys.Add("max-sessions"),
        IdleTimeout = Keys.Add("idle-timeout"),
        HeaderRouting = Keys.Add("header-routing"),
        Splice = Keys.Add("splice");

    private const int MaxConnectionsLimit = 1_000_000;

    private static readonly Keywords<ListenerProtocol> Protocols = new(
        ("http", ListenerProtocol.Http),
        ("tcp", ListenerProtocol.Tcp),
        ("udp", ListenerProtocol.Udp),
        ("tls-passthrough", ListenerProtocol.TlsPassthrough));

    private static readonly Keywords<NonAsciiHeaders> NonAsciiModes = new(("pass", Config.NonAsciiHeaders.Pass), ("reject", Config.NonAsciiHeaders.Reject));

    private static readonly Keywords<HttpVersions> Versions = new(("auto", Config.HttpVersions.Auto), ("http1", Config.HttpVersions.Http1), ("h2c", Config.HttpVersions.H2c));

    public static List<ListenerConfig>? BindAll(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path) =>
        ConfigValues.List(reader, node, path, "must list at least one listener", (item, itemPath) => Bind(reader, checks, item, itemPath));

    public static ListenerConfig? Bind(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var name = checks.ListenerName(map, path, Name);
        var bind = reader.Address(map, path, BindAddress, required: true, bind: true);
        var protocol = reader.Choice(map, path, Protocol, Protocols, v => $"unknown protocol '{v}'; expected http, tcp, udp or tls-passthrough");
        var (pool, stream, streamOk) = StreamListenerBinder.Bind(reader, checks, map, path, protocol ?? ListenerProtocol.Http);
        var routesNode = stream is null && (protocol ?? ListenerProtocol.Http) == ListenerProtocol.Http ? ConfigReader.Value(map, Routes) : null;
        var routes = routesNode is null ? null : RouteBinder.BindAll(reader, checks, routesNode, Routes.At(path));
        var versions = reader.Choice(map, path, HttpVersions, Versions, v => $"unknown value '{v}'; expected auto, http1 or h2c");
        var keepAlive = reader.Duration(map, path, KeepaliveTimeout);
        var maxConnections = reader.Int(map, path, MaxConnections, 1, MaxConnectionsLimit);
        var maxBody = ConfigValues.BodyLimit(reader, map, path, MaxBody);
        var nonAscii = reader.Choice(map, path, NonAsciiHeaders, NonAsciiModes, v => $"unknown value '{v}'; expected pass or reject");
        var policy = PolicyReferenceBinder.Bind(reader, checks.Policies, map, path, Policy, protocol switch
        {
            ListenerProtocol.Tcp => "tcp",
            ListenerProtocol.Udp => "udp",
            ListenerProtocol.TlsPassthrough => "tls-passthrough",
            _ => null,
        });
        var trustedProxies = ConfigValues.Networks(reader, ConfigReader.Value(map, TrustedProxies), TrustedProxies.At(path));
        var tlsNode = ConfigReader.Value(map, Tls);
        var tls = tlsNode is null ? null : ListenerTlsBinder.Bind(reader, tlsNode, Tls.At(path));
        var headerRoutingNode = stream is null ? ConfigReader.Value(map, HeaderRouting) : null;
        var headerRouting = headerRoutingNode is null ? null : HeaderRoutingBinder.Bind(reader, headerRoutingNode, HeaderRouting.At(path));
        if (bind is { } b && name is not null)
        {
            checks.ListenerBind(name, b.Value, b.Node, BindAddress.At(path), udp: protocol == ListenerProtocol.Udp);
        }
        if (name is null || bind is null || !streamOk || (routesNode is null ? pool is null : routes is null) || (tlsNode is not null && tls is null)
            || (headerRoutingNode is not null && headerRouting is null))
        {
            return null;
        }
        return new ListenerConfig
        {
            Name = name,
            Bind = bind.Value.Value,
            Protocol = protocol ?? ListenerProtocol.Http,
            Pool = pool ?? FirstPool(routes!),
            Routes = routes,
            HasDefaultPool = pool is not null,
            HttpVersions = versions ?? Config.HttpVersions.Auto,
            KeepAliveTimeout = keepAlive,
            MaxConnections = maxConnections,
            MaxBody = maxBody,
            NonAsciiHeaders = nonAscii ?? Config.NonAsciiHeaders.Pass,
            Policy = policy,
            TrustedProxies = trustedProxies,
            Tls = tls,
            HeaderRouting = headerRouting,
            Stream = stream,
        };
    }

    private static string FirstPool(List<RouteConfig> routes)
    {
        foreach (var route in routes)
        {
            if ((route.Pool ?? route.Split?[0].Pool) is { } pool)
            {
                return pool;
            }
        }
        return "";
    }
}
