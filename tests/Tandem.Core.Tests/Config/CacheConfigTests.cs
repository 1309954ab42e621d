namespace Tandem.Core.Tests.Config;

/// <summary>The top-level <c>cache</c> and a route's <c>cache</c>: defaults, and each bad value named with its key and line.</summary>
public sealed class CacheConfigTests
{
    private static string Yaml(string routeCache, string topCache) => $$"""
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            routes:
              - pool: app
                cache: {{routeCache}}
        {{topCache}}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
        """;

    [Fact]
    public void Parse_RouteCacheTrueWithoutTopLevel_DefaultsApply()
    {
        var config = LoadYaml.Valid(Yaml("true", ""));

        var cache = config.Listeners[0].Routes![0].Cache!;
        Assert.Null(config.Cache);
        Assert.Null(cache.HeuristicFraction);
        Assert.Null(cache.HeuristicFixed);
        Assert.Equal(TimeSpan.Zero, cache.StaleIfError);
        Assert.False(cache.XCacheHeader);
        Assert.Equal(TimeSpan.FromSeconds(5), cache.CollapseTimeout);
    }

    [Fact]
    public void Parse_EveryKey_Bound()
    {
        var config = LoadYaml.Valid(Yaml(
            "{ heuristic: 10%, stale-while-revalidate: 30s, stale-if-error: 1h, x-cache-header: true, collapse-timeout: 2s }",
            "cache: { memory: 256MB, max-object: 4MB, redis: [\"10.0.0.1:6379\", \"10.0.0.2:6379\"], redis-timeout: 100ms, tag-header: Surrogate-Key, max-stale-keep: 2h }"));

        var route = config.Listeners[0].Routes![0].Cache!;
        Assert.Equal(0.1, route.HeuristicFraction);
        Assert.Equal(TimeSpan.FromSeconds(30), route.StaleWhileRevalidate);
        Assert.Equal(TimeSpan.FromHours(1), route.StaleIfError);
        Assert.True(route.XCacheHeader);
        Assert.Equal(TimeSpan.FromSeconds(2), route.CollapseTimeout);
        var cache = config.Cache!;
        Assert.Equal(256L << 20, cache.Memory);
        Assert.Equal(4L << 20, cache.MaxObject);
        Assert.Equal(["10.0.0.1:6379", "10.0.0.2:6379"], cache.Redis!.Select(e => e.ToString()));
        Assert.Equal(TimeSpan.FromMilliseconds(100), cache.RedisTimeout);
        Assert.Equal("Surrogate-Key", cache.TagHeader);
        Assert.Equal(TimeSpan.FromHours(2), cache.MaxStaleKeep);
    }

    [Fact]
    public void Parse_HeuristicDurationAndDisabledRoute_Bound()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), LoadYaml.Valid(Yaml("{ heuristic: 5m }", "")).Listeners[0].Routes![0].Cache!.HeuristicFixed);
        Assert.Null(LoadYaml.Valid(Yaml("{ enabled: false }", "")).Listeners[0].Routes![0].Cache);
        Assert.Null(LoadYaml.Valid(Yaml("false", "")).Listeners[0].Routes![0].Cache);
    }

    [Fact]
    public void Parse_BadValues_EachNamedWithKeyAndLine()
    {
        var problems = LoadYaml.Problems(Yaml(
            "{ heuristic: 200%, stale-if-error: soon, ttl: 5m }",
            "cache: { memory: 10KB, max-object: 1GB, redis: \"nohost\", tag-header: \"Cache Tag\", max-stale-keep: 0s }"));

        Assert.Equal(
            [
                "test.yaml:6:29: listeners[0].routes[0].cache.heuristic: expected false, a percentage from 1% to 100% or a duration such as 5m, got '200%'",
                "test.yaml:6:51: listeners[0].routes[0].cache.stale-if-error: bad duration 'soon'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:6:57: listeners[0].routes[0].cache.ttl: unknown key",
                "test.yaml:7:18: cache.memory: must be at least 1MB",
                "test.yaml:7:36: cache.max-object: must not be larger than cache.memory",
                "test.yaml:7:48: cache.redis: bad endpoint 'nohost': expected host:port",
                "test.yaml:7:70: cache.tag-header: 'Cache Tag' is not a header name",
                "test.yaml:7:99: cache.max-stale-keep: must be greater than 0, got '0s'",
            ],
            problems);
    }

    [Fact]
    public void Parse_CacheOnARedirect_Refused()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                routes:
                  - redirect: { to: "https://example.com" }
                    cache: true
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:6:16: listeners[0].routes[0].cache: applies only to a route that forwards (pool or split), not to redirect or respond"], problems);
    }
}
