using System.Globalization;
using Tandem.Core.Balancing;
using Tandem.Core.Config.Sections.Forecast;
using Tandem.Core.Config.Sections.Health;
using Tandem.Core.Config.Sections.Queue;
using Tandem.Core.Config.Sections.Sticky;
using Tandem.Core.Config.Sections.Tls;

namespace Tandem.Core.Config.Sections.Pools;

/// <summary>
/// One of <c>pools</c>: its servers, balancing algorithm and options; nested sections (health, passive, queue, sticky,
/// tls, scale-ahead) are read by their own binders.
/// </summary>
internal static class PoolBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Name = Keys.Add("name"),
        Algorithm = Keys.Add("algorithm"),
        Servers = Keys.Add("servers"),
        Health = Keys.Add("health"),
        Timeouts = Keys.Add("timeouts"),
        KeepaliveTimeout = Keys.Add("keepalive-timeout"),
        HashKey = Keys.Add("hash-key"),
        Agent = Keys.Add("agent"),
        ServerHeader = Keys.Add("server-header"),
        Passive = Keys.Add("passive"),
        SlowStart = Keys.Add("slow-start"),
        Retries = Keys.Add("retries"),
        RetryBodyLimit = Keys.Add("retry-body-limit"),
        Queue = Keys.Add("queue"),
        Capacity = Keys.Add("capacity"),
        ScaleAhead = Keys.Add("scale-ahead"),
        Sticky = Keys.Add("sticky"),
        Tls = Keys.Add("tls"),
        SendProxy = Keys.Add("send-proxy");

    private const double MaxCapacity = 10_000_000;

    private static readonly Keywords<ProxyProtocolVersion> SendProxyVersions = new(("v1", ProxyProtocolVersion.V1), ("v2", ProxyProtocolVersion.V2));

    public static List<PoolConfig>? BindAll(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path) =>
        ConfigValues.List(reader, node, path, "must list at least one pool", (item, itemPath) => Bind(reader, checks, item, itemPath));

    public static PoolConfig? Bind(ConfigReader reader, ConfigCrossChecks checks, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var name = checks.PoolName(map, path, Name);
        var algorithm = reader.String(map, path, Algorithm);
        if (algorithm is not null && !BalancingAlgorithms.IsKnown(algorithm))
        {
            reader.Problem(ConfigReader.Value(map, Algorithm)!, Algorithm.At(path),
                $"unknown algorithm '{algorithm}'; expected one of {string.Join(", ", BalancingAlgorithms.All)}");
            algorithm = null;
        }
        var serversPath = Servers.At(path);
        var serverNames = new ServerNames(reader, name);
        var servers = ConfigValues.List(reader, reader.Required(map, path, Servers), serversPath, "must list at least one server",
            (n, p) => ServerBinder.Bind(reader, serverNames, n, p));
        if (servers is not null && servers.TrueForAll(s => s.Backup))
        {
            reader.Problem(ConfigReader.Value(map, Servers)!, serversPath, "needs at least one server that is not a backup");
        }
        var healthNode = ConfigReader.Value(map, Health);
        var health = healthNode is null ? null : HealthBinder.Bind(reader, healthNode, Health.At(path));
        var timeoutsNode = ConfigReader.Value(map, Timeouts);
        var timeouts = timeoutsNode is null ? null : TimeoutsBinder.Bind(reader, timeoutsNode, Timeouts.At(path));
        var keepAlive = reader.Duration(map, path, KeepaliveTimeout);
        // Options of one algorithm are checked against the algorithm in force (round-robin when none is given);
        // after an unknown algorithm they are not, so one mistake gives one message.
        var inForce = ConfigReader.Value(map, Algorithm) is null ? BalancingAlgorithms.RoundRobin : algorithm;
        var hashKey = ReadHashKey(reader, map, path, inForce);
        var agentNode = ConfigReader.Value(map, Agent);
        var agent = agentNode is null ? null : AgentBinder.Bind(reader, agentNode, Agent.At(path));
        if (agentNode is not null && inForce is not null && inForce != BalancingAlgorithms.DynamicWeighted)
        {
            reader.Problem(agentNode, Agent.At(path), $"applies only to algorithm {BalancingAlgorithms.DynamicWeighted}, not {inForce}");
        }
        var serverHeader = reader.Bool(map, path, ServerHeader);
        var passiveNode = ConfigReader.Value(map, Passive);
        var passive = passiveNode is null ? null : PassiveBinder.Bind(reader, passiveNode, Passive.At(path));
        var slowStart = reader.Duration(map, path, SlowStart);
        if (slowStart is not null && inForce == BalancingAlgorithms.IpHash)
        {
            reader.Problem(ConfigReader.Value(map, SlowStart)!, SlowStart.At(path),
                "does not apply to ip-hash: ramping weights would move clients between servers");
        }
        var retries = reader.Int(map, path, Retries, 0, 10);
        var retryBodyLimit = reader.Int(map, path, RetryBodyLimit, 0, 16 * 1024 * 1024);
        var queueNode = ConfigReader.Value(map, Queue);
        var queue = queueNode is null ? null : QueueBinder.Bind(reader, queueNode, Queue.At(path));
        var (capacity, scaleAhead, forecastOk) = ReadForecast(reader, map, path);
        var stickyNode = ConfigReader.Value(map, Sticky);
        var sticky = stickyNode is null ? null : StickyBinder.Bind(reader, stickyNode, Sticky.At(path));
        var tlsNode = ConfigReader.Value(map, Tls);
        var tls = tlsNode is null ? null : UpstreamTlsBinder.Bind(reader, tlsNode, Tls.At(path));

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
            SendProxy = reader.Choice(map, path, SendProxy, SendProxyVersions, v => $"unknown value '{v}'; expected v1 or v2") ?? ProxyProtocolVersion.None,
        };
    }

    private static Config.HashKey? ReadHashKey(ConfigReader reader, YamlMapping map, string path, string? algorithm)
    {
        var text = reader.String(map, path, HashKey);
        if (text is null)
        {
            return null;
        }
        var node = ConfigReader.Value(map, HashKey)!;
        var keyPath = HashKey.At(path);
        var key = Config.HashKey.TryParse(text);
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

    /// <summary>Binds <c>capacity</c> and <c>scale-ahead</c> of one pool; <c>Ok</c> is false when either was present but bad.</summary>
    private static (double? Capacity, ScaleAheadConfig? ScaleAhead, bool Ok) ReadForecast(ConfigReader reader, YamlMapping map, string path)
    {
        double? capacity = null;
        var ok = true;
        if (reader.Scalar(ConfigReader.Value(map, Capacity), Capacity.At(path)) is { } capacityNode)
        {
            if (double.TryParse(capacityNode.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value > 0 && value <= MaxCapacity)
            {
                capacity = value;
            }
            else
            {
                reader.Problem(capacityNode, Capacity.At(path),
                    $"expected requests per second per server, a number greater than 0 and at most 10000000, got '{capacityNode.Text}'");
                ok = false;
            }
        }
        var scaleNode = ConfigReader.Value(map, ScaleAhead);
        var scaleAhead = scaleNode is null ? null : ScaleAheadBinder.Bind(reader, scaleNode, ScaleAhead.At(path));
        return (capacity, scaleAhead, ok && (scaleNode is null || scaleAhead is not null));
    }
}
