using Tandem.Core.Config;
using Tandem.Pair.ConfigSync;

namespace Tandem.Pair.Tests.ConfigSync;

public sealed class ConfigTextTests
{
    private const string NodeA = """
        # the pool both nodes serve
        listeners:
          - name: web
            bind: 0.0.0.0:8080
            pool: app
        admin:
          bind: 127.0.0.1:9090
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001 # first
        pair:
          node: a
          bind: 10.99.0.1:7400
          peer: 10.99.0.2:7400
          secret-file: /etc/tandem/pair.secret
        drain-timeout: 5s
        """;

    [Fact]
    public void Split_Config_SharedPartKeepsCommentsAndLeavesNodeSectionsOut()
    {
        var (shared, local) = ConfigText.Split(NodeA);

        Assert.Equal("""
            # the pool both nodes serve
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001 # first
            drain-timeout: 5s

            """.ReplaceLineEndings("\n"), shared);
        Assert.True(ConfigText.HasSection(local, "pair"));
        Assert.True(ConfigText.HasSection(local, "listeners"));
        Assert.True(ConfigText.HasSection(local, "admin"));
        Assert.False(ConfigText.HasSection(shared, "pair"));
    }

    [Fact]
    public void Join_PeerSharedPartWithOwnSections_ValidConfigWithOwnPairAndSameSharedVersion()
    {
        var nodeB = NodeA.Replace("node: a", "node: b", StringComparison.Ordinal).Replace("bind: 10.99.0.1", "bind: 10.99.0.3", StringComparison.Ordinal);
        var peerShared = ConfigText.Split(NodeA).Shared.Replace("9001", "9005", StringComparison.Ordinal);

        var merged = ConfigText.Join(peerShared, ConfigText.Split(nodeB).Local);

        var loaded = ConfigLoader.Parse(merged, "b.yaml");
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Problems));
        Assert.Equal("b", loaded.Config!.Pair!.Node);
        Assert.Equal(9005, loaded.Config.Pools[0].Servers[0].Address.Port);
        Assert.Equal(peerShared, ConfigText.Split(merged).Shared);
    }

    [Fact]
    public void Split_NoPairSection_LocalHasNoPair()
    {
        var (_, local) = ConfigText.Split("pools: []\nlisteners: []\n");

        Assert.False(ConfigText.HasSection(local, "pair"));
    }
}
