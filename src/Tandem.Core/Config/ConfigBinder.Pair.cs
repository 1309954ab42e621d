namespace Tandem.Core.Config;

/// <summary>The <c>pair</c> section's schema.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] PairKeys = ["node", "bind", "peer", "secret-file", "heartbeat", "peer-timeout", "runtime-dir", "keepalived", "vip", "second-vip",
        "rate-limit-sync", "rate-limit-keys"];
    private static readonly string[] VipKeys = ["address", "interface", "priority", "advert-interval", "router-id"];

    private static PairConfig? BindPair(ConfigReader reader, YamlNode node)
    {
        const string path = "pair";
        var map = reader.Mapping(node, path, PairKeys);
        if (map is null)
        {
            return null;
        }
        var name = reader.String(map, path, "node", required: true);
        var bind = reader.Address(map, path, "bind", required: true, bind: true);
        var peer = reader.Address(map, path, "peer", required: true, bind: false);
        var secretFile = reader.String(map, path, "secret-file", required: true);
        if (name is not null && !IsNodeName(name))
        {
            // The name travels in a header of every pair message and names the node in logs and alerts.
            reader.Problem(ConfigReader.Value(map, "node")!, ConfigReader.Child(path, "node"),
                $"bad node name '{name}': use 1..63 letters, digits, '.', '_' or '-'");
            name = null;
        }
        if (secretFile is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, "secret-file")!, ConfigReader.Child(path, "secret-file"), "must name a file");
            secretFile = null;
        }
        if (bind is not null && peer is not null && bind.Value.Value == peer.Value.Value)
        {
            reader.Problem(peer.Value.Node, ConfigReader.Child(path, "peer"), "must differ from pair.bind (the other node's pair channel)");
        }
        var heartbeat = reader.Duration(map, path, "heartbeat");
        var peerTimeout = reader.Duration(map, path, "peer-timeout");
        // Absent values count with their defaults: peer-timeout 300ms alone is as wrong as next to heartbeat 200ms.
        if (peerTimeout is { } t && t < (heartbeat ?? ConfigDefaults.PairHeartbeat) * 2)
        {
            reader.Problem(ConfigReader.Value(map, "peer-timeout")!, ConfigReader.Child(path, "peer-timeout"),
                "must be at least twice pair.heartbeat, or one lost heartbeat counts as a lost peer");
        }
        else if (peerTimeout is null && heartbeat is { } h && ConfigDefaults.PairPeerTimeout < h * 2)
        {
            reader.Problem(ConfigReader.Value(map, "heartbeat")!, ConfigReader.Child(path, "heartbeat"),
                "must be at most half of pair.peer-timeout (1s when absent), or one lost heartbeat counts as a lost peer");
        }
        var rateSync = RateLimitSync(reader, map, path);
        var rateKeys = reader.Int(map, path, "rate-limit-keys", 1, 100_000);
        var vipNode = ConfigReader.Value(map, "vip");
        var vip = vipNode is null ? null : BindVip(reader, vipNode, ConfigReader.Child(path, "vip"));
        var secondNode = ConfigReader.Value(map, "second-vip");
        var second = secondNode is null ? null : BindVip(reader, secondNode, ConfigReader.Child(path, "second-vip"));
        if (secondNode is not null && vipNode is null)
        {
            reader.Problem(secondNode, ConfigReader.Child(path, "second-vip"), "needs pair.vip as well");
        }
        if (vip is not null && second is not null && (vip.RouterId ?? ConfigDefaults.VipRouterId) == (second.RouterId ?? ConfigDefaults.SecondVipRouterId))
        {
            reader.Problem(secondNode!, ConfigReader.Child(path, "second-vip.router-id"), "must differ from pair.vip.router-id");
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
            RuntimeDir = reader.String(map, path, "runtime-dir"),
            Keepalived = reader.String(map, path, "keepalived"),
            Vip = vip,
            SecondVip = second,
            RateLimitSync = rateSync,
            RateLimitKeys = rateKeys,
        };
    }

    /// <summary><c>rate-limit-sync</c>: a duration (20ms..5s) or <c>off</c> (<see cref="TimeSpan.Zero"/>).</summary>
    private static TimeSpan? RateLimitSync(ConfigReader reader, YamlMapping map, string path)
    {
        if (ConfigReader.Value(map, "rate-limit-sync") is YamlScalar { Text: "off" })
        {
            return TimeSpan.Zero;
        }
        var interval = reader.Duration(map, path, "rate-limit-sync");
        if (interval is { } i && (i < TimeSpan.FromMilliseconds(20) || i > TimeSpan.FromSeconds(5)))
        {
            reader.Problem(ConfigReader.Value(map, "rate-limit-sync")!, ConfigReader.Child(path, "rate-limit-sync"),
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

    private static VipConfig? BindVip(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, VipKeys);
        if (map is null)
        {
            return null;
        }
        VipAddress? address = null;
        if (reader.String(map, path, "address", required: true) is { } text)
        {
            if (VipAddress.TryParse(text, out var parsed, out var error))
            {
                address = parsed;
            }
            else
            {
                reader.Problem(ConfigReader.Value(map, "address")!, ConfigReader.Child(path, "address"), $"bad address '{text}': {error}");
            }
        }
        var iface = reader.String(map, path, "interface", required: true);
        var priority = reader.Int(map, path, "priority", 1, 254);
        if (ConfigReader.Value(map, "priority") is null)
        {
            reader.Required(map, path, "priority");
        }
        var advert = reader.Duration(map, path, "advert-interval");
        if (advert is { } a && (a < TimeSpan.FromMilliseconds(10) || a > TimeSpan.FromSeconds(40) || a.Ticks % TimeSpan.FromMilliseconds(10).Ticks != 0))
        {
            reader.Problem(ConfigReader.Value(map, "advert-interval")!, ConfigReader.Child(path, "advert-interval"),
                "must be 10ms..40s in steps of 10ms (VRRPv3)");
            advert = null;
        }
        var routerId = reader.Int(map, path, "router-id", 1, 255);
        if (address is null || iface is null || priority is null)
        {
            return null;
        }
        return new VipConfig { Address = address.Value, Interface = iface, Priority = priority.Value, AdvertInterval = advert, RouterId = routerId };
    }
}
