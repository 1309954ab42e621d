using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public class SectionKeysTests
{
    [Fact]
    public void Add_Keys_AreAcceptedInTheOrderAdded()
    {
        var keys = new SectionKeys();
        var node = keys.Add("node");
        var peer = keys.Add("peer-timeout");

        Assert.Equal(["node", "peer-timeout"], keys.Names);
        Assert.Equal("node", node.Name);
        Assert.Equal("peer-timeout", peer.ToString());
    }

    [Fact]
    public void Add_SameKeyTwice_Throws()
    {
        var keys = new SectionKeys();
        keys.Add("bind");

        var error = Assert.Throws<InvalidOperationException>(() => keys.Add("bind"));
        Assert.Equal("config key 'bind' is declared twice in one section", error.Message);
    }

    [Fact]
    public void At_SectionPath_NamesTheKeyUnderIt()
    {
        var key = new SectionKeys().Add("peer-timeout");

        Assert.Equal("peer-timeout", key.At(""));
        Assert.Equal("pair.peer-timeout", key.At("pair"));
        Assert.Equal("listeners[0].routes[1].peer-timeout", key.At("listeners[0].routes[1]"));
    }

    [Fact]
    public void Closest_TwoKeysEquallyNear_SuggestsTheOneAddedFirst()
    {
        var keys = new SectionKeys();
        keys.Add("rise");
        keys.Add("ride");

        Assert.Equal("rise", ConfigReader.Closest("rive", keys.Names));
    }

    [Fact]
    public void Parse_KeyOfAnotherSection_IsUnknownInThisOne()
    {
        // Each section accepts only its own table: "heartbeat" is pair's, not a pool's.
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                heartbeat: 1s
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:7:5: pools[0].heartbeat: unknown key"], problems);
    }
}
