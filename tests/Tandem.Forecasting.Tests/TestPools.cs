using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Forecasting.Tests;

internal static class TestPools
{
    public static ServerConfig Server(string name, int port, bool backup = false) =>
        new() { Name = name, Address = new HostPort("127.0.0.1", port), Backup = backup };

    /// <summary>A registry with <paramref name="pool"/>, on <paramref name="time"/>.</summary>
    public static PoolRegistry Registry(TimeProvider time, PoolConfig pool)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance, new BalancerServices(time, new SeededRandomSource(7)));
        registry.Apply([pool]);
        return registry;
    }

    public static PoolConfig Pool(string name, params ServerConfig[] servers) => new() { Name = name, Servers = servers };

    /// <summary>Records <paramref name="count"/> completed requests of <paramref name="seconds"/> each on <paramref name="server"/>.</summary>
    public static void Serve(ServerState server, int count, double seconds = 0.01, int failures = 0)
    {
        for (var i = 0; i < count; i++)
        {
            server.RequestStarted();
            server.RequestCompleted(i < failures ? 502 : 200, i < failures, seconds);
        }
    }
}
