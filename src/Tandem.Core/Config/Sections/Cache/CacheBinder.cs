namespace Tandem.Core.Config.Sections.Cache;

/// <summary>
/// The top-level <c>cache</c>: the HTTP cache's storage (memory, object limit, the shared Redis tier). What a route
/// caches is its own <c>cache</c> key (<see cref="Routes.RouteCacheBinder"/>).
/// </summary>
internal static class CacheBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Memory = Keys.Add("memory"),
        MaxObject = Keys.Add("max-object"),
        Redis = Keys.Add("redis"),
        RedisTimeout = Keys.Add("redis-timeout"),
        TagHeader = Keys.Add("tag-header"),
        MaxStaleKeep = Keys.Add("max-stale-keep");

    /// <summary>The smallest memory tier: below it the cache would hold almost nothing.</summary>
    private const long MinCacheMemory = 1L << 20;

    public static CacheConfig? Bind(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var ok = true;
        var memory = ConfigReader.Value(map, Memory) is null ? null : ConfigValues.ByteSize(reader, map, path, Memory);
        if (memory < MinCacheMemory)
        {
            reader.Problem(ConfigReader.Value(map, Memory)!, Memory.At(path), "must be at least 1MB");
            memory = null;
            ok = false;
        }
        ok &= ConfigReader.Value(map, Memory) is null || memory is not null;
        var maxObject = ConfigReader.Value(map, MaxObject) is null ? null : ConfigValues.ByteSize(reader, map, path, MaxObject);
        ok &= ConfigReader.Value(map, MaxObject) is null || maxObject is not null;
        if (maxObject is { } m && m > (memory ?? CacheConfig.DefaultMemory))
        {
            reader.Problem(ConfigReader.Value(map, MaxObject)!, MaxObject.At(path), "must not be larger than cache.memory");
            ok = false;
        }
        var redis = ReadRedisEndpoints(reader, map, path, ref ok);
        var timeout = reader.Duration(map, path, RedisTimeout);
        ok &= ConfigReader.Value(map, RedisTimeout) is null || timeout is not null;
        var maxStaleKeep = reader.Duration(map, path, MaxStaleKeep);
        ok &= ConfigReader.Value(map, MaxStaleKeep) is null || maxStaleKeep is not null;
        var tagHeader = reader.String(map, path, TagHeader);
        if (tagHeader is not null && !IsToken(tagHeader))
        {
            reader.Problem(ConfigReader.Value(map, TagHeader)!, TagHeader.At(path), $"'{tagHeader}' is not a header name");
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
    private static List<HostPort>? ReadRedisEndpoints(ConfigReader reader, YamlMapping map, string path, ref bool ok)
    {
        if (ConfigReader.Value(map, Redis) is not { } node)
        {
            return null;
        }
        var items = node is YamlSequence sequence ? sequence.Items : [node];
        if (items.Count == 0)
        {
            reader.Problem(node, Redis.At(path), "must list at least one endpoint such as 127.0.0.1:6379");
            ok = false;
            return null;
        }
        var endpoints = new List<HostPort>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = node is YamlSequence ? ConfigReader.Item(Redis.At(path), i) : Redis.At(path);
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
