using System.Net;

namespace Tandem.Core.Config;

/// <summary>
/// The layer-4 parts of the config: a tcp, udp or tls-passthrough listener's settings (its SNI <c>routes</c>,
/// <c>accept-proxy</c>, <c>max-sessions</c>, <c>idle-timeout</c>), a pool's <c>send-proxy</c> and the tcp/udp health
/// probe's <c>type</c>, <c>send</c> and <c>expect</c>. HTTP listeners' own <c>routes</c> are not bound here.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly string[] SniRouteKeys = ["match", "pool"];
    private static readonly string[] SniMatchKeys = ["sni"];
    private static readonly string[] HttpOnlyListenerKeys = ["http-versions", "keepalive-timeout", "max-body", "non-ascii-headers", "tls", "header-routing"];

    private static readonly Keywords<ProxyProtocolVersion> SendProxyVersions = new(("v1", ProxyProtocolVersion.V1), ("v2", ProxyProtocolVersion.V2));

    private static readonly Keywords<SpliceMode> SpliceModes = new(("auto", SpliceMode.Auto), ("off", SpliceMode.Off));

    private static readonly Keywords<HealthCheckType> HealthTypes = new(("http", HealthCheckType.Http), ("tcp", HealthCheckType.Tcp), ("udp", HealthCheckType.Udp));

    /// <summary>The listener's pool (the default one for tls-passthrough) and, for a layer-4 listener, its settings.</summary>
    private static (string? Pool, StreamListenerConfig? Stream, bool Ok) BindStreamParts(ConfigReader reader, ConfigCrossChecks checks,
        YamlMapping map, string path, ListenerProtocol protocol)
    {
        if (protocol == ListenerProtocol.Http)
        {
            var ok = true;
            foreach (var key in (string[])["accept-proxy", "max-sessions", "idle-timeout", "splice"])
            {
                ok &= NotHere(reader, map, path, key, "applies only to tcp, udp and tls-passthrough listeners");
            }
            // An HTTP listener's routes are bound with the HTTP routing; its pool is then optional (what no route matches).
            var httpPool = ConfigReader.Value(map, "routes") is null || ConfigReader.Value(map, "pool") is not null ? checks.PoolReference(map, path) : null;
            return (httpPool, null, ok);
        }

        var valid = true;
        foreach (var key in HttpOnlyListenerKeys)
        {
            valid &= NotHere(reader, map, path, key, "applies only to protocol http");
        }
        valid &= NotHere(reader, map, path, "trusted-proxies",
            "applies only to protocol http (X-Forwarded-For); a layer-4 listener learns the client address from a PROXY protocol header (accept-proxy)");
        if (protocol != ListenerProtocol.TlsPassthrough)
        {
            valid &= NotHere(reader, map, path, "routes", "applies only to protocol tls-passthrough (routes by SNI)");
        }
        if (protocol == ListenerProtocol.Udp)
        {
            valid &= NotHere(reader, map, path, "max-connections", "does not apply to udp; use max-sessions");
            valid &= NotHere(reader, map, path, "splice", "applies only to tcp and tls-passthrough (a udp flow has no byte stream to splice)");
        }
        else
        {
            valid &= NotHere(reader, map, path, "max-sessions", "applies only to protocol udp");
        }

        var routesNode = protocol == ListenerProtocol.TlsPassthrough ? ConfigReader.Value(map, "routes") : null;
        var pool = routesNode is not null && ConfigReader.Value(map, "pool") is null ? null : checks.PoolReference(map, path);
        var routes = routesNode is null ? [] : BindSniRoutes(reader, checks, routesNode, ConfigReader.Child(path, "routes"), pool);
        var acceptProxy = BindNetworks(reader, map, path, "accept-proxy");
        var maxSessions = reader.Int(map, path, "max-sessions", 1, 10_000_000);
        var idle = reader.Duration(map, path, "idle-timeout");
        var splice = reader.Choice(map, path, "splice", SpliceModes, v => $"unknown value '{v}'; expected auto or off");
        if (routes is null || acceptProxy is null || (routesNode is null && pool is null))
        {
            return (pool, null, false);
        }
        string? defaultPool = pool;
        foreach (var route in routes)
        {
            defaultPool ??= route.Sni is null ? route.Pool : null;
        }
        var stream = new StreamListenerConfig
        {
            Routes = routes,
            DefaultPool = defaultPool,
            AcceptProxy = acceptProxy,
            MaxSessions = maxSessions,
            IdleTimeout = idle,
            Splice = splice,
        };
        // A listener names one pool for status and metrics: its default, else the first route's.
        return (defaultPool ?? (routes.Count > 0 ? routes[0].Pool : null), stream, valid);
    }

    private static bool NotHere(ConfigReader reader, YamlMapping map, string path, string key, string message)
    {
        if (ConfigReader.Value(map, key) is not { } node)
        {
            return true;
        }
        reader.Problem(node, ConfigReader.Child(path, key), message);
        return false;
    }

    private static List<SniRouteConfig>? BindSniRoutes(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path, string? listenerPool)
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        var routes = new List<SniRouteConfig>(sequence.Items.Count);
        var ok = true;
        var hasDefault = listenerPool is not null;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = ConfigReader.Item(path, i);
            var map = reader.Mapping(sequence.Items[i], itemPath, SniRouteKeys);
            if (map is null)
            {
                ok = false;
                continue;
            }
            var poolNode = reader.Scalar(reader.Required(map, itemPath, "pool"), ConfigReader.Child(itemPath, "pool"));
            if (poolNode is not null)
            {
                checks.PoolReference(poolNode, ConfigReader.Child(itemPath, "pool"));
            }
            string? sni = null;
            if (ConfigReader.Value(map, "match") is { } matchNode)
            {
                var matchPath = ConfigReader.Child(itemPath, "match");
                var match = reader.Mapping(matchNode, matchPath, SniMatchKeys);
                sni = match is null ? null : reader.String(match, matchPath, "sni", required: true);
                if (sni is not null && SniName.Normalize(sni) is { } normal)
                {
                    sni = normal;
                }
                else
                {
                    if (sni is not null)
                    {
                        reader.Problem(ConfigReader.Value(match!, "sni")!, ConfigReader.Child(matchPath, "sni"),
                            $"expected a host name or *.suffix (letters, digits, '-' and '.'), got '{sni}'");
                    }
                    ok = false;
                    continue;
                }
            }
            else if (hasDefault)
            {
                reader.Problem(map, itemPath, listenerPool is null
                    ? "a second route without match; only one default route is allowed"
                    : "a route without match, but the listener's pool is already the default");
                ok = false;
            }
            hasDefault |= sni is null;
            if (poolNode is null)
            {
                ok = false;
                continue;
            }
            routes.Add(new SniRouteConfig { Sni = sni, Pool = poolNode.Text });
        }
        return ok ? routes : null;
    }

    private static List<IPNetwork>? BindNetworks(ConfigReader reader, YamlMapping map, string path, string key)
    {
        var node = ConfigReader.Value(map, key);
        if (node is null)
        {
            return [];
        }
        var keyPath = ConfigReader.Child(path, key);
        var sequence = reader.Sequence(node, keyPath);
        if (sequence is null)
        {
            return null;
        }
        var networks = new List<IPNetwork>(sequence.Items.Count);
        var ok = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = ConfigReader.Item(keyPath, i);
            var scalar = reader.Scalar(sequence.Items[i], itemPath);
            if (scalar is null)
            {
                ok = false;
            }
            else if (IPNetwork.TryParse(scalar.Text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(scalar.Text, out var single))
            {
                networks.Add(new IPNetwork(single, single.GetAddressBytes().Length * 8));
            }
            else
            {
                reader.Problem(scalar, itemPath, $"expected an address or CIDR network such as 10.0.0.0/8, got '{scalar.Text}'");
                ok = false;
            }
        }
        return ok ? networks : null;
    }

    private static ProxyProtocolVersion BindSendProxy(ConfigReader reader, YamlMapping map, string path) =>
        reader.Choice(map, path, "send-proxy", SendProxyVersions, v => $"unknown value '{v}'; expected v1 or v2") ?? ProxyProtocolVersion.None;

    /// <summary>The health probe's <c>type</c>, <c>send</c> and <c>expect</c>, checked against each other and <c>path</c>.</summary>
    private static (HealthCheckType? Type, string? Send, string? Expect) BindProbeParts(ConfigReader reader, YamlMapping map, string path, string? httpPath)
    {
        var type = reader.Choice(map, path, "type", HealthTypes, v => $"unknown value '{v}'; expected http, tcp or udp");
        var send = Payload(reader, map, path, "send");
        var expect = Payload(reader, map, path, "expect");
        var inForce = type ?? (httpPath is null ? HealthCheckType.Tcp : HealthCheckType.Http);
        if (type == HealthCheckType.Http && httpPath is null)
        {
            reader.Problem(ConfigReader.Value(map, "type")!, ConfigReader.Child(path, "type"), "an http check needs a path");
        }
        if (type is HealthCheckType.Tcp or HealthCheckType.Udp && httpPath is not null)
        {
            reader.Problem(ConfigReader.Value(map, "path")!, ConfigReader.Child(path, "path"), $"applies only to http checks, not {Name(inForce)}");
        }
        if (inForce == HealthCheckType.Http)
        {
            NotHere(reader, map, path, "send", "applies only to tcp and udp checks");
            NotHere(reader, map, path, "expect", "applies only to tcp and udp checks; http checks use expect-status and expect-body");
        }
        return (type, send, expect);
    }

    private static string Name(HealthCheckType type) => type switch
    {
        HealthCheckType.Tcp => "tcp",
        HealthCheckType.Udp => "udp",
        _ => "http",
    };

    private static string? Payload(ConfigReader reader, YamlMapping map, string path, string key)
    {
        var text = reader.String(map, path, key);
        if (text is not null && ProbePayload.TryDecode(text, out var error) is null)
        {
            reader.Problem(ConfigReader.Value(map, key)!, ConfigReader.Child(path, key), error!);
            return null;
        }
        return text;
    }

    /// <summary>A pool behind a udp listener whose health names no type is probed with datagrams.</summary>
    private static List<PoolConfig>? UdpHealthDefaults(List<PoolConfig>? pools, List<ListenerConfig>? listeners)
    {
        if (pools is null || listeners is null)
        {
            return pools;
        }
        var udpPools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            if (listener.Protocol == ListenerProtocol.Udp)
            {
                udpPools.Add(listener.Pool);
            }
        }
        for (var i = 0; i < pools.Count; i++)
        {
            if (pools[i].Health is { Type: null, Path: null } health && udpPools.Contains(pools[i].Name))
            {
                pools[i] = pools[i] with { Health = health with { Type = HealthCheckType.Udp } };
            }
        }
        return pools;
    }
}
