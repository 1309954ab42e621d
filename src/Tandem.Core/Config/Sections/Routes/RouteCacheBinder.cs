using System.Globalization;

namespace Tandem.Core.Config.Sections.Routes;

/// <summary>A route's <c>cache</c>: <c>true</c>, <c>false</c> or what it caches and how (heuristic lifetime, stale serving, collapsing).</summary>
internal static class RouteCacheBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Enabled = Keys.Add("enabled"),
        Heuristic = Keys.Add("heuristic"),
        StaleWhileRevalidate = Keys.Add("stale-while-revalidate"),
        StaleIfError = Keys.Add("stale-if-error"),
        XCacheHeader = Keys.Add("x-cache-header"),
        CollapseTimeout = Keys.Add("collapse-timeout");

    /// <summary><c>cache: true</c> (the defaults), <c>false</c> (off, null) or a mapping.</summary>
    public static RouteCacheConfig? Bind(ConfigReader reader, YamlNode node, string path, ref bool ok)
    {
        if (node is YamlScalar { Text: "true" or "false" } flag)
        {
            return flag.Text == "true" ? new RouteCacheConfig() : null;
        }
        if (node is not YamlMapping)
        {
            reader.Problem(node, path, "expected true, false or { enabled: true, heuristic: 10%, stale-while-revalidate: 30s, stale-if-error: 1h, ... }");
            ok = false;
            return null;
        }
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            ok = false;
            return null;
        }
        var enabled = reader.Bool(map, path, Enabled);
        var (fraction, fixedLifetime, heuristicOk) = ReadHeuristic(reader, map, path);
        var swr = reader.Duration(map, path, StaleWhileRevalidate);
        var sie = reader.Duration(map, path, StaleIfError);
        var xcache = reader.Bool(map, path, XCacheHeader);
        var collapse = reader.Duration(map, path, CollapseTimeout);
        ok &= heuristicOk && Present(map, Enabled, enabled) && Present(map, StaleWhileRevalidate, swr) && Present(map, StaleIfError, sie)
            && Present(map, XCacheHeader, xcache) && Present(map, CollapseTimeout, collapse);
        if (enabled == false)
        {
            return null;
        }
        return new RouteCacheConfig
        {
            HeuristicFraction = fraction,
            HeuristicFixed = fixedLifetime,
            StaleWhileRevalidate = swr ?? TimeSpan.Zero,
            StaleIfError = sie ?? TimeSpan.Zero,
            XCacheHeader = xcache ?? false,
            CollapseTimeout = collapse ?? RouteCacheConfig.DefaultCollapseTimeout,
        };
    }

    /// <summary>Whether a key that was written bound (its binder reported any problem).</summary>
    private static bool Present<T>(YamlMapping map, ConfigKey key, T? value) where T : struct => ConfigReader.Value(map, key) is null || value is not null;

    /// <summary><c>heuristic: false</c> (default), a percentage (<c>10%</c>, 1-100) or a duration (<c>5m</c>).</summary>
    private static (double? Fraction, TimeSpan? Fixed, bool Ok) ReadHeuristic(ConfigReader reader, YamlMapping map, string path)
    {
        var keyPath = Heuristic.At(path);
        if (reader.Scalar(ConfigReader.Value(map, Heuristic), keyPath) is not { } scalar)
        {
            return (null, null, ConfigReader.Value(map, Heuristic) is null);
        }
        var text = scalar.Text.Trim();
        if (text == "false")
        {
            return (null, null, true);
        }
        if (text.EndsWith('%') && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
            && percent is >= 1 and <= 100)
        {
            return (percent / 100.0, null, true);
        }
        if (Duration.TryParse(text, out var lifetime) && lifetime > TimeSpan.Zero)
        {
            return (null, lifetime, true);
        }
        reader.Problem(scalar, keyPath, $"expected false, a percentage from 1% to 100% or a duration such as 5m, got '{scalar.Text}'");
        return (null, null, false);
    }
}
