namespace Tandem.Core.Config.Sections.Pair;

/// <summary>A <c>pair.vip</c> or <c>pair.second-vip</c>: a virtual address announced with VRRPv3.</summary>
internal static class VipBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Address = Keys.Add("address"),
        Interface = Keys.Add("interface"),
        Priority = Keys.Add("priority"),
        AdvertInterval = Keys.Add("advert-interval");

    /// <summary>Also named by <c>pair</c>'s check that the two VIPs differ.</summary>
    internal static readonly ConfigKey RouterId = Keys.Add("router-id");

    public static VipConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        VipAddress? address = null;
        if (reader.String(map, path, Address, required: true) is { } text)
        {
            if (VipAddress.TryParse(text, out var parsed, out var error))
            {
                address = parsed;
            }
            else
            {
                reader.Problem(ConfigReader.Value(map, Address)!, Address.At(path), $"bad address '{text}': {error}");
            }
        }
        var iface = reader.String(map, path, Interface, required: true);
        var priority = reader.Int(map, path, Priority, 1, 254);
        if (ConfigReader.Value(map, Priority) is null)
        {
            reader.Required(map, path, Priority);
        }
        var advert = reader.Duration(map, path, AdvertInterval);
        if (advert is { } a && (a < TimeSpan.FromMilliseconds(10) || a > TimeSpan.FromSeconds(40) || a.Ticks % TimeSpan.FromMilliseconds(10).Ticks != 0))
        {
            reader.Problem(ConfigReader.Value(map, AdvertInterval)!, AdvertInterval.At(path),
                "must be 10ms..40s in steps of 10ms (VRRPv3)");
            advert = null;
        }
        var routerId = reader.Int(map, path, RouterId, 1, 255);
        if (address is null || iface is null || priority is null)
        {
            return null;
        }
        return new VipConfig { Address = address.Value, Interface = iface, Priority = priority.Value, AdvertInterval = advert, RouterId = routerId };
    }
}
