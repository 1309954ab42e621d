
namespace Tandem.Core.Config;

/// <summary>
/// The top-level <c>resolver</c> and <c>resolve-interval</c> keys (nginx's <c>resolver ... valid=</c>, HAProxy's
/// <c>resolvers</c> section) and a server's <c>resolve</c> key.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly TimeSpan MinResolveInterval = TimeSpan.FromMilliseconds(100);

    private static readonly Keywords<ResolveMode> ResolveModes = new(("start", ResolveMode.Start), ("runtime", ResolveMode.Runtime));

    private static (HostPort? Resolver, TimeSpan? Interval) BindResolver(ConfigReader reader, YamlMapping root)
    {
        var resolver = reader.Address(root, "", "resolver", required: false, bind: false);
        if (resolver is { } r && r.Value.Ip is null)
        {
            reader.Problem(r.Node, "resolver", $"bad address '{r.Node.Text}': the DNS server must be an IP address such as 127.0.0.1:53");
            resolver = null;
        }
        var interval = reader.Duration(root, "", "resolve-interval");
        if (interval < MinResolveInterval)
        {
            reader.Problem(ConfigReader.Value(root, "resolve-interval")!, "resolve-interval", "must be at least 100ms");
            interval = null;
        }
        return (resolver?.Value, interval);
    }

    /// <summary>The server's <c>resolve</c> mode; a DNS name in <paramref name="address"/> is noted for the name check.</summary>
    private static ResolveMode BindResolveMode(ConfigReader reader, YamlMapping map, string path, (HostPort Value, YamlScalar Node)? address)
    {
        var mode = reader.Choice(map, path, "resolve", ResolveModes, v => $"unknown value '{v}'; expected start or runtime") ?? ResolveMode.Start;
        if (address is { } a && a.Value.Ip is null)
        {
            reader.BackendName(a.Value.Host, a.Node, ConfigReader.Child(path, "address"), mode);
        }
        return mode;
    }
}
