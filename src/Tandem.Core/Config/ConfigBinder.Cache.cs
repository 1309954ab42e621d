using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>The top-level <c>cache</c> (storage) and a route's <c>cache</c> (what it caches and how).</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] CacheKeys = ["memory", "max-object", "redis", "redis-timeout", "tag-header", "max-stale-keep"];
    private static readonly string[] RouteCacheKeys = ["enabled", "heuristic", "stale-while-revalidate", "stale-if-error", "x-cache-header", "collapse-timeout"];

    /// <summary>The smallest memory tier: below it the cache would hold almost nothing.</summary>
    private const long MinCacheMemory = 1L << 20;

    private static CacheConfig? BindCache(ConfigReader reader, YamlNode node)
    {
        const string path = "cache";
        var map = reader.Mapping(node, path, CacheKeys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var memory = ConfigReader.Value(map, "memory") is null ? null : ByteSize(reader, map, path, "memory");
        if (memory < MinCacheMemory)
        {
            reader.Problem(ConfigReader.Value(map, "memory")!, "cache.memory", "must be at least 1MB");
            memory = null;
            ok = false;
        }
        ok &= ConfigReader.Value(map, "memory") is null || memory is not null;
        var maxObject = ConfigReader.Value(map, "max-object") is null ? null : ByteSize(reader, map, path, "max-object");
        ok &= ConfigReader.Value(map, "max-object") is null || maxObject is not null;
        if (maxObject is { } m && m > (memory ?? CacheConfig.DefaultMemory))
        {
            reader.Problem(ConfigReader.Value(map, "max-object")!, "cache.max-object", "must not be larger than cache.memory");
            ok = false;
        }
        var redis = BindRedisEndpoints(reader, map, ref ok);
        var timeout = reader.Duration(map, path, "redis-timeout");
        ok &= ConfigReader.Value(map, "redis-timeout") is null || timeout is not null;
        var maxStaleKeep = reader.Duration(map, path, "max-stale-keep");
        ok &= ConfigReader.Value(map, "max-stale-keep") is null || maxStaleKeep is not null;
        var tagHeader = reader.String(map, path, "tag-header");
        if (tagHeader is not null && !IsToken(tagHeader))
        {
            reader.Problem(ConfigReader.Value(map, "tag-header")!, "cache.tag-header", $"'{tagHeader}' is not a header name");
            ok = false;
        }
        return ok ? new CacheConfig
        {
            Memory = memory ?? CacheConfig.DefaultMemory,
            MaxObject = maxObject ?? CacheConfig.DefaultMaxObject,
            Redis = redis,
            RedisTimeout = timeout ?? CacheConfig.DefaultRedisTimeout,
            TagHeader = tagHeader ?? CacheConfig.DefaultTagHeader,
            MaxStaleKeep = maxStaleKeep ?? CacheConfig.DefaultMaxStaleKeep,
        } : null;
    }

    /// <summary><c>redis: "host:port"</c> or a list of them (a cluster's seed endpoints).</summary>
    private static List<HostPort>? BindRedisEndpoints(ConfigReader reader, YamlMapping map, ref bool ok)
    {
        if (ConfigReader.Value(map, "redis") is not { } node)
        {
            return null;
        }
        var items = node is YamlSequence sequence ? sequence.Items : [node];
        if (items.Count == 0)
        {
            reader.Problem(node, "cache.redis", "must list at least one endpoint such as 127.0.0.1:6379");
            ok = false;
            return null;
        }
        var endpoints = new List<HostPort>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequence ? ConfigReader.Item("cache.redis", i) : "cache.redis";
            if (reader.Scalar(items[i], itemPath) is not { } scalar)
            {
                ok = false;
                continue;
            }
            if (!HostPort.TryParse(scalar.Text, out var endpoint, out var error))
            {
                reader.Problem(scalar, itemPath, $"bad endpoint '{scalar.Text}': {error}");
                ok = false;
                continue;
            }
            endpoints.Add(endpoint);
        }
        return endpoints;
    }

    /// <summary><c>cache: true</c> (the defaults), <c>false</c> (off, null) or a mapping.</summary>
    private static RouteCacheConfig? BindRouteCache(ConfigReader reader, YamlNode node, string path, ref bool ok)
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
        var map = reader.Mapping(node, path, RouteCacheKeys);
        if (map is null)
        {
            ok = false;
            return null;
        }
        var enabled = reader.Bool(map, path, "enabled");
        var (fraction, fixedLifetime, heuristicOk) = BindHeuristic(reader, map, path);
        var swr = reader.Duration(map, path, "stale-while-revalidate");
        var sie = reader.Duration(map, path, "stale-if-error");
        var xcache = reader.Bool(map, path, "x-cache-header");
        var collapse = reader.Duration(map, path, "collapse-timeout");
        ok &= heuristicOk && Present(map, "enabled", enabled) && Present(map, "stale-while-revalidate", swr) && Present(map, "stale-if-error", sie)
            && Present(map, "x-cache-header", xcache) && Present(map, "collapse-timeout", collapse);
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
    private static bool Present<T>(YamlMapping map, string key, T? value) where T : struct => ConfigReader.Value(map, key) is null || value is not null;

    /// <summary><c>heuristic: false</c> (default), a percentage (<c>10%</c>, 1-100) or a duration (<c>5m</c>).</summary>
    private static (double? Fraction, TimeSpan? Fixed, bool Ok) BindHeuristic(ConfigReader reader, YamlMapping map, string path)
    {
        var keyPath = ConfigReader.Child(path, "heuristic");
        if (reader.Scalar(ConfigReader.Value(map, "heuristic"), keyPath) is not { } scalar)
        {
            return (null, null, ConfigReader.Value(map, "heuristic") is null);
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

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
