using System.Net;
using Listener = Tandem.Core.Config.Sections.Listeners.ListenerBinder;

namespace Tandem.Core.Config.Sections.Listeners;

/// <summary>
/// The layer-4 part of a listener (tcp, udp, tls-passthrough): its SNI <c>routes</c>, <c>accept-proxy</c>,
/// <c>max-sessions</c>, <c>idle-timeout</c> and <c>splice</c>, and which of the listener's keys do not apply to its
/// protocol. The keys are the listener's own (<see cref="ListenerBinder"/>); HTTP listeners' <c>routes</c> are not read here.
/// </summary>
internal static class StreamListenerBinder
{
    private static readonly ConfigKey[] HttpOnlyKeys = [Listener.HttpVersions, Listener.KeepaliveTimeout, Listener.MaxBody, Listener.NonAsciiHeaders, Listener.Tls, Listener.HeaderRouting];

    private static readonly Keywords<SpliceMode> SpliceModes = new(("auto", SpliceMode.Auto), ("off", SpliceMode.Off));

    /// <summary>The listener's pool (the default one for tls-passthrough) and, for a layer-4 listener, its settings.</summary>
    public static (string? Pool, StreamListenerConfig? Stream, bool Ok) Bind(ConfigReader reader, ConfigCrossChecks checks,
        YamlMapping map, string path, ListenerProtocol protocol)
    {
        if (protocol == ListenerProtocol.Http)
        {
            var ok = true;
            foreach (var key in (ConfigKey[])[Listener.AcceptProxy, Listener.MaxSessions, Listener.IdleTimeout, Listener.Splice])
            {
                ok &= ConfigValues.NotHere(reader, map, path, key, "applies only to tcp, udp and tls-passthrough listeners");
            }
            // An HTTP listener's routes are bound with the HTTP routing; its pool is then optional (what no route matches).
            var httpPool = ConfigReader.Value(map, Listener.Routes) is null || ConfigReader.Value(map, Listener.Pool) is not null ? checks.PoolReference(map, path, Listener.Pool) : null;
            return (httpPool, null, ok);
        }

        var valid = true;
        foreach (var key in HttpOnlyKeys)
        {
            valid &= ConfigValues.NotHere(reader, map, path, key, "applies only to protocol http");
        }
        valid &= ConfigValues.NotHere(reader, map, path, Listener.TrustedProxies,
            "applies only to protocol http (X-Forwarded-For); a layer-4 listener learns the client address from a PROXY protocol header (accept-proxy)");
        if (protocol != ListenerProtocol.TlsPassthrough)
        {
            valid &= ConfigValues.NotHere(reader, map, path, Listener.Routes, "applies only to protocol tls-passthrough (routes by SNI)");
        }
        if (protocol == ListenerProtocol.Udp)
        {
            valid &= ConfigValues.NotHere(reader, map, path, Listener.MaxConnections, "does not apply to udp; use max-sessions");
            valid &= ConfigValues.NotHere(reader, map, path, Listener.Splice, "applies only to tcp and tls-passthrough (a udp flow has no byte stream to splice)");
        }
        else
        {
            valid &= ConfigValues.NotHere(reader, map, path, Listener.MaxSessions, "applies only to protocol udp");
        }

        var routesNode = protocol == ListenerProtocol.TlsPassthrough ? ConfigReader.Value(map, Listener.Routes) : null;
        var pool = routesNode is not null && ConfigReader.Value(map, Listener.Pool) is null ? null : checks.PoolReference(map, path, Listener.Pool);
        var routes = routesNode is null ? [] : SniRouteBinder.BindAll(reader, checks, routesNode, Listener.Routes.At(path), pool);
        var acceptProxy = ReadNetworks(reader, map, path, Listener.AcceptProxy);
        var maxSessions = reader.Int(map, path, Listener.MaxSessions, 1, 10_000_000);
        var idle = reader.Duration(map, path, Listener.IdleTimeout);
        var splice = reader.Choice(map, path, Listener.Splice, SpliceModes, v => $"unknown value '{v}'; expected auto or off");
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

    private static List<IPNetwork>? ReadNetworks(ConfigReader reader, YamlMapping map, string path, ConfigKey key)
    {
        var node = ConfigReader.Value(map, key);
        if (node is null)
        {
            return [];
        }
        var keyPath = key.At(path);
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
}
