using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Pair.Tests.Support;

/// <summary>Running pools for replicator tests: pool <c>app</c> with servers s1 and s2, optionally with a sticky table.</summary>
internal static class TestPools
{
    public static PoolRegistry Create(bool stickyTable = false)
    {
        var sticky = stickyTable ? "    sticky: {mode: table, key: ip}\n" : "";
        var loaded = ConfigLoader.Parse(TestYaml.PoolHead + sticky + """
                servers:
                  - address: 127.0.0.1:10
                    name: s1
                  - address: 127.0.0.1:11
                    name: s2
            """, "test.yaml");
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        var pools = new PoolRegistry(NullServerTelemetry.Instance);
        pools.Apply(loaded.Config!.Pools);
        return pools;
    }
}
