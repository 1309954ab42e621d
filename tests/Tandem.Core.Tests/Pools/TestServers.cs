using Tandem.Core.Config;
using Tandem.Core.Pools;

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

    public static PoolConfig Pool(string algorithm, params ServerConfig[] servers) =>
        new() { Name = "app", Algorithm = algorithm, Servers = servers };

    public static PoolState State(string algorithm, params ServerConfig[] servers)
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        return registry.Apply([Pool(algorithm, servers)])["app"];
    }

    public static List<string> Picks(PoolState pool, int count)
    {
        var picks = new List<string>(count);
        var context = default(Tandem.Core.Balancing.SelectionContext);
        for (var i = 0; i < count; i++)
        {
            picks.Add(pool.Pick(in context)?.Name ?? "-");
        }
        return picks;
    }
}
