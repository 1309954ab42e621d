using Tandem.Core.Balancing;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config;

/// <summary>
/// Maps the YAML tree onto the config records: the schema (keys per section) is here, one line per key.
/// Cross-references (pool names, duplicate binds) are checked by <see cref="ConfigCrossChecks"/>.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly string[] RootKeys = ["listeners", "admin", "pools", "drain-timeout", "pair", "access-log", "metrics", "forecast", "alerts", "logging",
        "resolver", "resolve-interval", "policies", "default-policy", "trusted-proxies", "data-dir", "cache"];
    private static readonly string[] ListenerKeys = ["name", "bind", "protocol", "pool", "http-versions", "keepalive-timeout", "max-connections", "max-body", "non-ascii-headers",
        "policy", "trusted-proxies", "routes", "tls", "accept-proxy", "max-sessions", "idle-timeout", "header-routing", "splice"];
    private static readonly string[] AdminKeys = ["bind", "token-file", "tls"];
    private static readonly string[] PoolKeys =
        ["name", "algorithm", "servers", "health", "timeouts", "keepalive-timeout", "hash-key", "agent", "server-header",
         "passive", "slow-start", "retries", "retry-body-limit", "queue", "capacity", "scale-ahead", "sticky", "tls", "send-proxy"];
    private static readonly string[] PassiveKeys = ["consecutive-failures", "ejection-time", "max-ejection-percent", "count-5xx"];
    private static readonly string[] QueueKeys = ["size", "timeout"];
    private static readonly string[] AgentKeys = ["path", "interval", "timeout", "port"];
    private static readonly string[] ServerKeys = ["address", "name", "weight", "max-connections", "backup", "resolve"];
    private static readonly string[] HealthKeys = ["path", "interval", "timeout", "rise", "fall", "fall-interval", "expect-status", "expect-body", "host", "type", "send", "expect"];
    private static readonly string[] TimeoutKeys = ["connect", "response", "idle"];

    private const int MaxConnections = 1_000_000;

    private static readonly Keywords<ListenerProtocol> Protocols = new(
        ("http", ListenerProtocol.Http),
        ("tcp", ListenerProtocol.Tcp),
        ("udp", ListenerProtocol.Udp),
        ("tls-passthrough", ListenerProtocol.TlsPassthrough));

    private static readonly Keywords<NonAsciiHeaders> NonAsciiModes = new(("pass", NonAsciiHeaders.Pass), ("reject", NonAsciiHeaders.Reject));

    private static readonly Keywords<HttpVersions> Versions = new(("auto", HttpVersions.Auto), ("http1", HttpVersions.Http1), ("h2c", HttpVersions.H2c));

    public static TandemConfig? Bind(ConfigReader reader, YamlNode root)
    {
        var map = reader.Mapping(root, "", RootKeys);
        if (map is null)
        {
            return null;
        }
        var checks = new ConfigCrossChecks(reader);
        var listenersNode = reader.Required(map, "", "listeners");
        var adminNode = ConfigReader.Value(map, "admin");
        var poolsNode = reader.Required(map, "", "pools");
        var drain = reader.Duration(map, "", "drain-timeout");
        var dataDir = reader.String(map, "", "data-dir");
        if (dataDir is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, "data-dir")!, "data-dir", "must not be empty");
            dataDir = null;
        }
        var pairNode = ConfigReader.Value(map, "pair");
        var accessLogNode = ConfigReader.Value(map, "access-log");
        var metricsNode = ConfigReader.Value(map, "metrics");
        var alertsNode = ConfigReader.Value(map, "alerts");
        var loggingNode = ConfigReader.Value(map, "logging");

        var cacheNode = ConfigReader.Value(map, "cache");
        var forecastNode = ConfigReader.Value(map, "forecast");
        var (resolver, resolveInterval) = BindResolver(reader, map);
        var policiesNode = ConfigReader.Value(map, "policies");

        var pools = BindList(reader, poolsNode, "pools", "must list at least one pool", (node, path) => BindPool(reader, checks, node, path));
        var listeners = BindList(reader, listenersNode, "listeners", "must list at least one listener", (node, path) => BindListener(reader, checks, node, path));
        var admin = adminNode is null ? null : BindAdmin(reader, checks, adminNode);
        var pair = pairNode is null ? null : BindPair(reader, pairNode);
        var accessLog = accessLogNode is null ? null : BindAccessLog(reader, accessLogNode);
        var metrics = metricsNode is null ? null : BindMetrics(reader, metricsNode);
        var alerts = alertsNode is null ? null : BindAlerts(reader, alertsNode, pools);
        var forecast = forecastNode is null ? null : BindForecast(reader, forecastNode);
        var logging = loggingNode is null ? null : BindLogging(reader, loggingNode);
        var policies = policiesNode is null ? null : BindPolicies(reader, checks.Policies, policiesNode);
        var defaultPolicy = BindDefaultPolicy(reader, map);
        var cache = cacheNode is null ? null : BindCache(reader, cacheNode);
        var trustedProxies = Networks(reader, ConfigReader.Value(map, "trusted-proxies"), "trusted-proxies");
        checks.Finish();
        pools = UdpHealthDefaults(pools, listeners);

        if (pools is null || listeners is null || (pairNode is not null && pair is null) || (forecastNode is not null && forecast is null)
            || (alertsNode is not null && alerts is null) || (loggingNode is not null && logging is null)
            || (policiesNode is not null && policies is null) || (cacheNode is not null && cache is null))
        {
            return null;
        }
        return new TandemConfig { Listeners = listeners, Pools = pools, Admin = admin, DrainTimeout = drain, Pair = pair,
            AccessLog = accessLog, Metrics = metrics, Forecast = forecast, Alerts = alerts,
            Logging = logging, Resolver = resolver, ResolveInterval = resolveInterval,
            Policies = policies, DefaultPolicy = defaultPolicy ?? DefaultPolicy.Allow, TrustedProxies = trustedProxies, DataDir = dataDir,
            Cache = cache };
    }

    private static List<T>? BindList<T>(ConfigReader reader, YamlNode? node, string path, string emptyMessage, Func<YamlNode, string, T?> bindItem)
        where T : class
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        if (sequence.Items.Count == 0)
        {
            reader.Problem(sequence, path, emptyMessage);
            return null;
        }
        var items = new List<T>(sequence.Items.Count);
        var complete = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = bindItem(sequence.Items[i], ConfigReader.Item(path, i));
            if (item is null)
            {
                complete = false;
            }
            else
            {
                items.Add(item);
            }
        }
        return complete ? items : null;
    }

    private static ListenerConfig? BindListener(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, ListenerKeys);
        if (map is null)
        {
            return null;
        }
        var name = checks.ListenerName(map, path);
        var bind = reader.Address(map, path, "bind", required: true, bind: true);
        var protocol = reader.Choice(map, path, "protocol", Protocols, v => $"unknown protocol '{v}'; expected http, tcp, udp or tls-passthrough");
        var (pool, stream, streamOk) = BindStreamParts(reader, checks, map, path, protocol ?? ListenerProtocol.Http);
        var routesNode = stream is null && (protocol ?? ListenerProtocol.Http) == ListenerProtocol.Http ? ConfigReader.Value(map, "routes") : null;
        var routes = routesNode is null ? null : BindRoutes(reader, checks, routesNode, path);
        var versions = reader.Choice(map, path, "http-versions", Versions, v => $"unknown value '{v}'; expected auto, http1 or h2c");
        var keepAlive = reader.Duration(map, path, "keepalive-timeout");
        var maxConnections = reader.Int(map, path, "max-connections", 1, MaxConnections);
        var maxBody = BodyLimit(reader, map, path);
        var nonAscii = reader.Choice(map, path, "non-ascii-headers", NonAsciiModes, v => $"unknown value '{v}'; expected pass or reject");
        var policy = BindPolicyReference(reader, checks.Policies, map, path, protocol switch
        {
            ListenerProtocol.Tcp => "tcp",
            ListenerProtocol.Udp => "udp",
            ListenerProtocol.TlsPassthrough => "tls-passthrough",
            _ => null,
        });
        var trustedProxies = Networks(reader, ConfigReader.Value(map, "trusted-proxies"), ConfigReader.Child(path, "trusted-proxies"));
        var tlsNode = ConfigReader.Value(map, "tls");
        var tls = tlsNode is null ? null : BindListenerTls(reader, tlsNode, ConfigReader.Child(path, "tls"));
        var headerRoutingNode = stream is null ? ConfigReader.Value(map, "header-routing") : null;
        var headerRouting = headerRoutingNode is null ? null : BindHeaderRouting(reader, headerRoutingNode, ConfigReader.Child(path, "header-routing"));
        if (bind is { } b && name is not null)
        {
            checks.ListenerBind(name, b.Value, b.Node, ConfigReader.Child(path, "bind"), udp: protocol == ListenerProtocol.Udp);
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
            HttpVersions = versions ?? HttpVersions.Auto,
            KeepAliveTimeout = keepAlive,
            MaxConnections = maxConnections,
            MaxBody = maxBody,
            NonAsciiHeaders = nonAscii ?? NonAsciiHeaders.Pass,
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

    /// <summary><c>max-body</c>: a size (at least 1KB) or <c>unlimited</c> (<see cref="long.MaxValue"/>).</summary>
    private static long? BodyLimit(ConfigReader reader, YamlMapping map, string path) =>
        ConfigReader.Value(map, "max-body") is YamlScalar { Text: "unlimited" } ? long.MaxValue : ByteSize(reader, map, path, "max-body");

    private static AdminConfig? BindAdmin(ConfigReader reader, ConfigCrossChecks checks, YamlNode node)
    {
        var map = reader.Mapping(node, "admin", AdminKeys);
        if (map is null)
        {
            return null;
        }
        var bind = reader.Address(map, "admin", "bind", required: false, bind: true);
        if (bind is { } b)
        {
            checks.AdminBind(b.Value, b.Node);
        }
        var tlsNode = ConfigReader.Value(map, "tls");
        var tls = tlsNode is null ? null : BindListenerTls(reader, tlsNode, "admin.tls", acmeAllowed: false);
        if (tlsNode is null && bind is { } plain && plain.Value.Ip is { } ip && !System.Net.IPAddress.IsLoopback(ip))
        {
            reader.Warning(plain.Node.Line, plain.Node.Column, "admin.bind",
                $"{plain.Value} is not a loopback address and admin has no tls: the dashboard, the API and the admin token cross the network in plain text; add admin.tls (see README, HTTPS)");
        }
        return new AdminConfig { Bind = bind?.Value, TokenFile = BindTokenFile(reader, map), Tls = tls };
    }

    private static PoolConfig? BindPool(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, PoolKeys);
        if (map is null)
        {
            return null;
        }
        var name = checks.PoolName(map, path);
        var algorithm = reader.String(map, path, "algorithm");
        if (algorithm is not null && !BalancingAlgorithms.IsKnown(algorithm))
        {
            reader.Problem(ConfigReader.Value(map, "algorithm")!, ConfigReader.Child(path, "algorithm"),
                $"unknown algorithm '{algorithm}'; expected one of {string.Join(", ", BalancingAlgorithms.All)}");
            algorithm = null;
        }
        var serversPath = ConfigReader.Child(path, "servers");
        var serverNames = new ServerNames(reader, name);
        var servers = BindList(reader, reader.Required(map, path, "servers"), serversPath, "must list at least one server",
            (n, p) => BindServer(reader, serverNames, n, p));
        if (servers is not null && servers.TrueForAll(s => s.Backup))
        {
            reader.Problem(ConfigReader.Value(map, "servers")!, serversPath, "needs at least one server that is not a backup");
        }
        var healthNode = ConfigReader.Value(map, "health");
        var health = healthNode is null ? null : BindHealth(reader, healthNode, ConfigReader.Child(path, "health"));
        var timeoutsNode = ConfigReader.Value(map, "timeouts");
        var timeouts = timeoutsNode is null ? null : BindTimeouts(reader, timeoutsNode, ConfigReader.Child(path, "timeouts"));
        var keepAlive = reader.Duration(map, path, "keepalive-timeout");
        // Options of one algorithm are checked against the algorithm in force (round-robin when none is given);
        // after an unknown algorithm they are not, so one mistake gives one message.
        var inForce = ConfigReader.Value(map, "algorithm") is null ? BalancingAlgorithms.RoundRobin : algorithm;
        var hashKey = BindHashKey(reader, map, path, inForce);
        var agentNode = ConfigReader.Value(map, "agent");
        var agent = agentNode is null ? null : BindAgent(reader, agentNode, ConfigReader.Child(path, "agent"));
        if (agentNode is not null && inForce is not null && inForce != BalancingAlgorithms.DynamicWeighted)
        {
            reader.Problem(agentNode, ConfigReader.Child(path, "agent"), $"applies only to algorithm {BalancingAlgorithms.DynamicWeighted}, not {inForce}");
        }
        var serverHeader = reader.Bool(map, path, "server-header");
        var passiveNode = ConfigReader.Value(map, "passive");
        var passive = passiveNode is null ? null : BindPassive(reader, passiveNode, ConfigReader.Child(path, "passive"));
        var slowStart = reader.Duration(map, path, "slow-start");
        if (slowStart is not null && inForce == BalancingAlgorithms.IpHash)
        {
            reader.Problem(ConfigReader.Value(map, "slow-start")!, ConfigReader.Child(path, "slow-start"),
                "does not apply to ip-hash: ramping weights would move clients between servers");
        }
        var retries = reader.Int(map, path, "retries", 0, 10);
        var retryBodyLimit = reader.Int(map, path, "retry-body-limit", 0, 16 * 1024 * 1024);
        var queueNode = ConfigReader.Value(map, "queue");
        var queue = queueNode is null ? null : BindQueue(reader, queueNode, ConfigReader.Child(path, "queue"));
        var (capacity, scaleAhead, forecastOk) = BindPoolForecast(reader, map, path);
        var stickyNode = ConfigReader.Value(map, "sticky");
        var sticky = stickyNode is null ? null : BindSticky(reader, stickyNode, ConfigReader.Child(path, "sticky"));
        var tlsNode = ConfigReader.Value(map, "tls");
        var tls = tlsNode is null ? null : BindUpstreamTls(reader, tlsNode, ConfigReader.Child(path, "tls"));

        if (!forecastOk || name is null || servers is null || (healthNode is not null && health is null) || (timeoutsNode is not null && timeouts is null)
            || (agentNode is not null && agent is null) || (passiveNode is not null && passive is null) || (queueNode is not null && queue is null)
            || (stickyNode is not null && sticky is null) || (tlsNode is not null && tls is null))
        {
            return null;
        }
        return new PoolConfig
        {
            Name = name,
            Algorithm = algorithm ?? BalancingAlgorithms.RoundRobin,
            Servers = servers,
            Health = health,
            Timeouts = timeouts,
            KeepAliveTimeout = keepAlive,
            HashKey = hashKey,
            Agent = agent,
            ServerHeader = serverHeader ?? false,
            Passive = passive,
            SlowStart = slowStart,
            Retries = retries,
            RetryBodyLimit = retryBodyLimit,
            Queue = queue,
            Capacity = capacity,
            ScaleAhead = scaleAhead,
            Sticky = sticky,
            Tls = tls,
            SendProxy = BindSendProxy(reader, map, path),
        };
    }

    private static PassiveHealthConfig? BindPassive(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, PassiveKeys);
        return map is null ? null : new PassiveHealthConfig
        {
            ConsecutiveFailures = reader.Int(map, path, "consecutive-failures", 0, 1000),
            EjectionTime = reader.Duration(map, path, "ejection-time"),
            MaxEjectionPercent = reader.Int(map, path, "max-ejection-percent", 0, 100),
            Count5xx = reader.Bool(map, path, "count-5xx"),
        };
    }

    private static QueueConfig? BindQueue(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, QueueKeys);
        return map is null ? null : new QueueConfig
        {
            Size = reader.Int(map, path, "size", 0, 1_000_000),
            Timeout = reader.Duration(map, path, "timeout"),
        };
    }

    private static HashKey? BindHashKey(ConfigReader reader, YamlMapping map, string path, string? algorithm)
    {
        var text = reader.String(map, path, "hash-key");
        if (text is null)
        {
            return null;
        }
        var node = ConfigReader.Value(map, "hash-key")!;
        var keyPath = ConfigReader.Child(path, "hash-key");
        var key = HashKey.TryParse(text);
        if (key is null)
        {
            reader.Problem(node, keyPath, $"expected ip, header:NAME or cookie:NAME, got '{text}'");
        }
        else if (algorithm is not null && algorithm != BalancingAlgorithms.IpHash)
        {
            reader.Problem(node, keyPath, $"applies only to algorithm {BalancingAlgorithms.IpHash}, not {algorithm}");
        }
        return key;
    }

    private static AgentConfig? BindAgent(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, AgentKeys);
        if (map is null)
        {
            return null;
        }
        var agentPath = reader.String(map, path, "path", required: true);
        if (agentPath is not null && !agentPath.StartsWith('/'))
        {
            reader.Problem(ConfigReader.Value(map, "path")!, ConfigReader.Child(path, "path"), $"must start with '/', got '{agentPath}'");
            agentPath = null;
        }
        var interval = reader.Duration(map, path, "interval");
        var timeout = reader.Duration(map, path, "timeout");
        var port = reader.Int(map, path, "port", 1, 65535);
        return agentPath is null ? null : new AgentConfig { Path = agentPath, Interval = interval, Timeout = timeout, Port = port };
    }

    private static ServerConfig? BindServer(ConfigReader reader, ServerNames names, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, ServerKeys);
        if (map is null)
        {
            return null;
        }
        var address = reader.Address(map, path, "address", required: true, bind: false);
        var name = names.Check(map, path, address?.Value.ToString(), address?.Node);
        var weight = reader.Int(map, path, "weight", ConfigDefaults.MinWeight, ConfigDefaults.MaxWeight);
        var maxConnections = reader.Int(map, path, "max-connections", 1, MaxConnections);
        var backup = reader.Bool(map, path, "backup");
        var resolve = BindResolveMode(reader, map, path, address);
        if (address is null || name is null)
        {
            return null;
        }
        return new ServerConfig
        {
            Address = address.Value.Value,
            Name = name,
            Weight = weight,
            MaxConnections = maxConnections,
            Backup = backup ?? false,
            Resolve = resolve,
        };
    }

    private static HealthConfig? BindHealth(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, HealthKeys);
        if (map is null)
        {
            return null;
        }
        var pathValue = reader.String(map, path, "path");
        if (pathValue is not null && !pathValue.StartsWith('/'))
        {
            reader.Problem(ConfigReader.Value(map, "path")!, ConfigReader.Child(path, "path"), $"must start with '/', got '{pathValue}'");
        }
        StatusRange? expect = null;
        if (reader.String(map, path, "expect-status") is { } expectText)
        {
            expect = StatusRange.TryParse(expectText);
            if (expect is null)
            {
                reader.Problem(ConfigReader.Value(map, "expect-status")!, ConfigReader.Child(path, "expect-status"),
                    $"expected a status code or range such as 200 or 200-399 (100..599), got '{expectText}'");
            }
        }
        var (type, send, expectBytes) = BindProbeParts(reader, map, path, pathValue);
        return new HealthConfig
        {
            Type = type,
            Send = send,
            Expect = expectBytes,
            Path = pathValue,
            Interval = reader.Duration(map, path, "interval"),
            Timeout = reader.Duration(map, path, "timeout"),
            Rise = reader.Int(map, path, "rise", 1, 100),
            Fall = reader.Int(map, path, "fall", 1, 100),
            FallInterval = reader.Duration(map, path, "fall-interval"),
            ExpectStatus = expect,
            ExpectBody = reader.String(map, path, "expect-body"),
            Host = reader.String(map, path, "host"),
        };
    }

    private static PoolTimeouts? BindTimeouts(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, TimeoutKeys);
        if (map is null)
        {
            return null;
        }
        return new PoolTimeouts
        {
            Connect = reader.Duration(map, path, "connect"),
            Response = reader.Duration(map, path, "response"),
            Idle = reader.Duration(map, path, "idle"),
        };
    }
}
