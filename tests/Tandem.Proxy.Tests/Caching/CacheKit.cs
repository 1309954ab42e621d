using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>What the cache tests share: a config with one caching route over a <see cref="HeaderBackend"/>, and a client that sends what it is told.</summary>
internal static class CacheKit
{
    public static TandemConfig Config(HeaderBackend backend, RouteCacheConfig? cache = null, CacheConfig? storage = null, params HeaderBackend[] more) => new()
    {
        Listeners =
        [
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app",
                Routes = [new RouteConfig { Name = "site", Pool = "app", Cache = cache ?? new RouteCacheConfig { XCacheHeader = true } }],
            },
        ],
        Pools =
        [
            new PoolConfig
            {
                Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [backend.ServerConfig(), .. more.Select(b => b.ServerConfig())],
                Retries = more.Length,
            },
        ],
        Cache = storage,
        Version = "test",
    };

    public static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient client, Uri proxy, string path,
        HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(proxy, path));
        foreach (var (name, value) in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    public static Task<(HttpResponseMessage Response, string Body)> GetAsync(HttpClient client, Uri proxy, string path, params (string Name, string Value)[] headers) =>
        SendAsync(client, proxy, path, null, headers);

    public static string? XCache(HttpResponseMessage response) => response.Headers.TryGetValues("X-Cache", out var v) ? v.Single() : null;
}
