namespace Tandem.Core.Config.Sections.Pools;

/// <summary>One of a pool's <c>servers</c>: its address, name, weight, limits and how its DNS name is resolved.</summary>
internal static class ServerBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Address = Keys.Add("address"),
        Name = Keys.Add("name"),
        Weight = Keys.Add("weight"),
        MaxConnections = Keys.Add("max-connections"),
        Backup = Keys.Add("backup"),
        Resolve = Keys.Add("resolve");

    private const int MaxConnectionsLimit = 1_000_000;

    private static readonly Keywords<ResolveMode> ResolveModes = new(("start", ResolveMode.Start), ("runtime", ResolveMode.Runtime));

    public static ServerConfig? Bind(ConfigReader reader, ServerNames names, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var address = reader.Address(map, path, Address, required: true, bind: false);
        var name = names.Check(map, path, Name, Address, address?.Value.ToString(), address?.Node);
        var weight = reader.Int(map, path, Weight, ConfigDefaults.MinWeight, ConfigDefaults.MaxWeight);
        var maxConnections = reader.Int(map, path, MaxConnections, 1, MaxConnectionsLimit);
        var backup = reader.Bool(map, path, Backup);
        var resolve = ReadResolveMode(reader, map, path, address);
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

    /// <summary>The server's <c>resolve</c> mode; a DNS name in <paramref name="address"/> is noted for the name check.</summary>
    private static ResolveMode ReadResolveMode(ConfigReader reader, YamlMapping map, string path, (HostPort Value, YamlScalar Node)? address)
    {
        var mode = reader.Choice(map, path, Resolve, ResolveModes, v => $"unknown value '{v}'; expected start or runtime") ?? ResolveMode.Start;
        if (address is { } a && a.Value.Ip is null)
        {
            reader.BackendName(a.Value.Host, a.Node, Address.At(path), mode);
        }
        return mode;
    }
}
