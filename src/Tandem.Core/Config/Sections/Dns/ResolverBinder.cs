namespace Tandem.Core.Config.Sections.Dns;

/// <summary>
/// The top-level <c>resolver</c> and <c>resolve-interval</c> keys (nginx's <c>resolver ... valid=</c>, HAProxy's
/// <c>resolvers</c> section); a server's own <c>resolve</c> key is read with the server.
/// </summary>
internal static class ResolverBinder
{
    private static readonly TimeSpan MinResolveInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The DNS server, which must be an IP address and port.</summary>
    public static HostPort? Resolver(ConfigReader reader, YamlMapping root, ConfigKey key)
    {
        var resolver = reader.Address(root, "", key, required: false, bind: false);
        if (resolver is { } r && r.Value.Ip is null)
        {
            reader.Problem(r.Node, key.Name, $"bad address '{r.Node.Text}': the DNS server must be an IP address such as 127.0.0.1:53");
            return null;
        }
        return resolver?.Value;
    }

    public static TimeSpan? Interval(ConfigReader reader, YamlMapping root, ConfigKey key)
    {
        var interval = reader.Duration(root, "", key);
        if (interval < MinResolveInterval)
        {
            reader.Problem(ConfigReader.Value(root, key)!, key.Name, "must be at least 100ms");
            return null;
        }
        return interval;
    }
}
