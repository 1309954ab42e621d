using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>Configs for routing tests: listener "web" with routes over pools "app" (backend a) and "v2" (backend b).</summary>
internal static class RouteConfigs
{
    public static TandemConfig With(TestBackend a, TestBackend b, bool defaultPool, params RouteConfig[] routes) => new()
    {
        Listeners = [new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app", Routes = routes, HasDefaultPool = defaultPool }],
        Pools =
        [
            new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [a.ServerConfig()] },
            new PoolConfig { Name = "v2", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [b.ServerConfig()] },
        ],
        Version = "test",
    };

    public static RouteConfig ToPool(string name, string pool, RouteMatch? match = null) => new() { Name = name, Pool = pool, Match = match };

    /// <summary>The backend's answer to a request through the proxy: "NAME PATH?QUERY" from an <c>anyPath</c> backend, or the status when it is not 200.</summary>
    public static async Task<string> SendAsync(HttpClient client, Uri baseAddress, string path, string? host = null, HttpMethod? method = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(baseAddress, path));
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
