namespace Tandem.Core.Config.Sections.Pair;

/// <summary>The <c>pair</c> section: this node's half of a two-node pair (the channel, timing, the VIPs).</summary>
internal static class PairBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Node = Keys.Add("node"),
        BindAddress = Keys.Add("bind"),
        Peer = Keys.Add("peer"),
        SecretFile = Keys.Add("secret-file"),
        Heartbeat = Keys.Add("heartbeat"),
        PeerTimeout = Keys.Add("peer-timeout"),
        RuntimeDir = Keys.Add("runtime-dir"),
        Keepalived = Keys.Add("keepalived"),
        Vip = Keys.Add("vip"),
        SecondVip = Keys.Add("second-vip"),
        RateLimitSync = Keys.Add("rate-limit-sync"),
        RateLimitKeys = Keys.Add("rate-limit-keys");

    public static PairConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var name = reader.String(map, path, Node, required: true);
        var bind = reader.Address(map, path, BindAddress, required: true, bind: true);
        var peer = reader.Address(map, path, Peer, required: true, bind: false);
        var secretFile = reader.String(map, path, SecretFile, required: true);
        if (name is not null && !IsNodeName(name))
        {
            // The name travels in a header of every pair message and names the node in logs and alerts.
            reader.Problem(ConfigReader.Value(map, Node)!, Node.At(path),
                $"bad node name '{name}': use 1..63 letters, digits, '.', '_' or '-'");
            name = null;
        }
        if (secretFile is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, SecretFile)!, SecretFile.At(path), "must name a file");
            secretFile = null;
        }
        if (bind is not null && peer is not null && bind.Value.Value == peer.Value.Value)
        {
            reader.Problem(peer.Value.Node, Peer.At(path), "must differ from pair.bind (the other node's pair channel)");
        }
        var heartbeat = reader.Duration(map, path, Heartbeat);
        var peerTimeout = reader.Duration(map, path, PeerTimeout);
        // Absent values count with their defaults: peer-timeout 300ms alone is as wrong as next to heartbeat 200ms.
        if (peerTimeout is { } t && t < (heartbeat ?? ConfigDefaults.PairHeartbeat) * 2)
        {
            reader.Problem(ConfigReader.Value(map, PeerTimeout)!, PeerTimeout.At(path),
                "must be at least twice pair.heartbeat, or one lost heartbeat counts as a lost peer");
        }
        else if (peerTimeout is null && heartbeat is { } h && ConfigDefaults.PairPeerTimeout < h * 2)
        {
            reader.Problem(ConfigReader.Value(map, Heartbeat)!, Heartbeat.At(path),
                "must be at most half of pair.peer-timeout (1s when absent), or one lost heartbeat counts as a lost peer");
        }
        var rateSync = ReadRateLimitSync(reader, map, path);
        var rateKeys = reader.Int(map, path, RateLimitKeys, 1, 100_000);
        var vipNode = ConfigReader.Value(map, Vip);
        var vip = vipNode is null ? null : VipBinder.Bind(reader, vipNode, Vip.At(path));
        var secondNode = ConfigReader.Value(map, SecondVip);
        var second = secondNode is null ? null : VipBinder.Bind(reader, secondNode, SecondVip.At(path));
        if (secondNode is not null && vipNode is null)
        {
            reader.Problem(secondNode, SecondVip.At(path), "needs pair.vip as well");
        }
        if (vip is not null && second is not null && (vip.RouterId ?? ConfigDefaults.VipRouterId) == (second.RouterId ?? ConfigDefaults.SecondVipRouterId))
        {
            reader.Problem(secondNode!, VipBinder.RouterId.At(SecondVip.At(path)), "must differ from pair.vip.router-id");
        }
        if (name is null || bind is null || peer is null || secretFile is null || (vipNode is not null && vip is null) || (secondNode is not null && second is null))
        {
            return null;
        }
        return new PairConfig
        {
            Node = name,
            Bind = bind.Value.Value,
            Peer = peer.Value.Value,
            SecretFile = secretFile,
            Heartbeat = heartbeat,
            PeerTimeout = peerTimeout,
            RuntimeDir = reader.String(map, path, RuntimeDir),
            Keepalived = reader.String(map, path, Keepalived),
            Vip = vip,
            SecondVip = second,
            RateLimitSync = rateSync,
            RateLimitKeys = rateKeys,
        };
    }

    /// <summary><c>rate-limit-sync</c>: a duration (20ms..5s) or <c>off</c> (<see cref="TimeSpan.Zero"/>).</summary>
    private static TimeSpan? ReadRateLimitSync(ConfigReader reader, YamlMapping map, string path)
    {
        if (ConfigReader.Value(map, RateLimitSync) is YamlScalar { Text: "off" })
        {
            return TimeSpan.Zero;
        }
        var interval = reader.Duration(map, path, RateLimitSync);
        if (interval is { } i && (i < TimeSpan.FromMilliseconds(20) || i > TimeSpan.FromSeconds(5)))
        {
            reader.Problem(ConfigReader.Value(map, RateLimitSync)!, RateLimitSync.At(path),
                "must be 20ms..5s, or off");
            return null;
        }
        return interval;
    }

    private static bool IsNodeName(string name)
    {
        if (name.Length is 0 or > 63)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }
}
