using Tandem.Core.Balancing;
using Tandem.Core.Config;

namespace Tandem.Testing;

/// <summary>Builds configs for tests: listener "web" on an ephemeral port in front of pool "app".</summary>
public static class TestConfig
{
    /// <summary>A round-robin pool of <paramref name="servers"/>.</summary>
    public static TandemConfig OnePool(ServerConfig[] servers, Func<PoolConfig, PoolConfig>? customize = null) =>
        OnePool(BalancingAlgorithms.RoundRobin, servers, customize ?? (pool => pool));

    public static TandemConfig OnePool(string algorithm, params ServerConfig[] servers) => OnePool(algorithm, servers, pool => pool);

    public static TandemConfig OnePool(string algorithm, ServerConfig[] servers, Func<PoolConfig, PoolConfig> customize,
        Func<ListenerConfig, ListenerConfig>? customizeListener = null, TimeSpan? drainTimeout = null)
    {
        var listener = new ListenerConfig { Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app" };
        return new TandemConfig
        {
            Listeners = [customizeListener?.Invoke(listener) ?? listener],
            Pools = [customize(new PoolConfig { Name = "app", Algorithm = algorithm, Servers = servers })],
            DrainTimeout = drainTimeout,
            Version = "test",
        };
    }

    public static ServerConfig Server(TestBackend backend, int? weight = null) => backend.ServerConfig(weight);

    /// <summary>A server nobody listens on (a port just freed).</summary>
    public static ServerConfig DeadServer(string name = "dead") => new() { Name = name, Address = new HostPort("127.0.0.1", TestHttp.FreePort()) };
}
