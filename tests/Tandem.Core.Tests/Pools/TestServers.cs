using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Testing;

namespace Tandem.Core.Tests.Pools;

internal static class TestServers
{
    public static ServerConfig Config(string name, int? weight = null, bool backup = false, int port = 0) => new()
    {
        Name = name,
        Address = new HostPort("127.0.0.1", port == 0 ? 9000 + (name.GetHashCode(StringComparison.Ordinal) & 0x3ff) : port),
        Weight = weight,
        Backup = backup,
    };

    /// <summary>Servers named a, b, c, ... with these weights.</summary>
    public static ServerConfig[] Weighted(params int[] weights) =>
        [.. weights.Select((weight, i) => Config(((char)('a' + i)).ToString(), weight))];

    public static PoolConfig Pool(string algorithm, params ServerConfig[] servers) =>
        new() { Name = "app", Algorithm = algorithm, Servers = servers };

    public static PoolState State(string algorithm, params ServerConfig[] servers)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        return registry.Apply([Pool(algorithm, servers)])["app"];
    }

    /// <summary>A pool whose balancer and servers run on <paramref name="services"/> (a fake clock, a seeded random source).</summary>
    public static PoolState State(string algorithm, BalancerServices services, params ServerConfig[] servers)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance, services);
        return registry.Apply([Pool(algorithm, servers)])["app"];
    }

    /// <summary>A fake clock and a random source with a fixed seed.</summary>
    public static BalancerServices Services(FakeTimeProvider time, int seed = 20261125) => new(time, new SeededRandomSource(seed));

    public static List<string> Picks(PoolState pool, int count)
    {
        var picks = new List<string>(count);
        var context = default(SelectionContext);
        for (var i = 0; i < count; i++)
        {
            picks.Add(pool.Pick(in context)?.Name ?? "-");
        }
        return picks;
    }
}
