using Tandem.Core.Config.Policies;

namespace Tandem.Core.Config.Sections.Policies;

/// <summary>A policy's <c>forward-auth</c>: the service asked about each request, what to copy back, how long to remember.</summary>
internal static class ForwardAuthBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Url = Keys.Add("url"),
        CopyHeaders = Keys.Add("copy-headers"),
        Cache = Keys.Add("cache"),
        Timeout = Keys.Add("timeout");

    public static ForwardAuthPolicyConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var urlText = reader.String(map, path, Url, required: true);
        var url = urlText is null ? null : PolicyValues.HttpUrl(reader, ConfigReader.Value(map, Url)!, Url.At(path), urlText);
        var copy = PolicyValues.Strings(reader, map, path, CopyHeaders);
        var cache = reader.Duration(map, path, Cache);
        var timeout = reader.Duration(map, path, Timeout);
        return url is null ? null : new ForwardAuthPolicyConfig { Url = url, CopyHeaders = copy, Cache = cache, Timeout = timeout };
    }
}
