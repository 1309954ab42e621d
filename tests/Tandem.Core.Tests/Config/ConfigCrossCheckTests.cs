namespace Tandem.Core.Tests.Config;

/// <summary>Checks that span sections: unique names, pool references, colliding binds.</summary>
public sealed class ConfigCrossCheckTests
{
    [Fact]
    public void Parse_DuplicatePoolName_PointsAtTheFirst()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
              - name: app
                servers:
                  - address: 127.0.0.1:9002
            """);

        Assert.Equal(["test.yaml:9:11: pools[1].name: duplicate pool name 'app' (first defined at line 6)"], problems);
    }

    [Fact]
    public void Parse_DuplicateListenerName_PointsAtTheFirst()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
              - name: web
                bind: 127.0.0.1:8081
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:5:11: listeners[1].name: duplicate listener name 'web' (first defined at line 2)"], problems);
    }

    [Fact]
    public void Parse_DuplicateServerNameInPool_PointsAtTheFirst()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    name: a
                  - address: 127.0.0.1:9002
                    name: a
            """);

        Assert.Equal(["test.yaml:11:15: pools[0].servers[1].name: duplicate server name 'a' in pool 'app' (first defined at line 9)"], problems);
    }

    [Fact]
    public void Parse_SameAddressTwiceUnnamed_DuplicateAtTheAddress()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:9:18: pools[0].servers[1].address: duplicate server name '127.0.0.1:9001' in pool 'app' (first defined at line 8)"], problems);
    }

    [Fact]
    public void Parse_ExplicitNameEqualsAnotherServersAddress_Duplicate()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                  - address: 127.0.0.1:9002
                    name: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:10:15: pools[0].servers[1].name: duplicate server name '127.0.0.1:9001' in pool 'app' (first defined at line 8)"], problems);
    }

    [Fact]
    public void Parse_SameServerNameInTwoPools_Accepted()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
              - name: api
                bind: 127.0.0.1:8081
                pool: api
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    name: a
              - name: api
                servers:
                  - address: 127.0.0.1:9001
                    name: a
            """);

        Assert.Equal(["app", "api"], config.Pools.Select(p => p.Name));
        Assert.Equal("a", config.Pools[1].Servers[0].Name);
    }

    [Fact]
    public void Parse_ListenerNamesUnknownPool_ListsDefinedPools()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: ap
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:4:11: listeners[0].pool: unknown pool 'ap'; defined pools: app"], problems);
    }

    [Fact]
    public void Parse_PoolDefinedAfterUse_Resolved()
    {
        var config = LoadYaml.Valid("""
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
              - name: api
                servers:
                  - address: 127.0.0.1:9002
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: api
            """);

        Assert.Equal("api", config.Listeners[0].Pool);
    }

    [Fact]
    public void Parse_UnknownPoolAmongSeveral_ListsThemInFileOrder()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
              - name: api
                bind: 127.0.0.1:8081
                pool: API
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
              - name: api
                servers:
                  - address: 127.0.0.1:9002
            """);

        Assert.Equal(["test.yaml:7:11: listeners[1].pool: unknown pool 'API'; defined pools: app, api"], problems);
    }

    [Fact]
    public void Parse_TwoListenersSameBind_Collide()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
              - name: web2
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:6:11: listeners[1].bind: bind 127.0.0.1:8080 is already used by listener 'web' (line 3)"], problems);
    }

    [Fact]
    public void Parse_AnyAddressAndLoopbackSamePort_Collide()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: all
                bind: 0.0.0.0:8080
                pool: app
              - name: local
                bind: 127.0.0.1:8080
                pool: app
              - name: v6
                bind: "[::]:8080"
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(
            [
                "test.yaml:6:11: listeners[1].bind: bind 127.0.0.1:8080 is already used by listener 'all' (line 3)",
                "test.yaml:9:11: listeners[2].bind: bind [::]:8080 is already used by listener 'all' (line 3)",
            ],
            problems);
    }

    [Fact]
    public void Parse_DifferentPortsOrAddresses_NoCollision()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: a
                bind: 127.0.0.1:8080
                pool: app
              - name: b
                bind: 127.0.0.2:8080
                pool: app
              - name: c
                bind: "[::1]:8080"
                pool: app
              - name: d
                bind: 127.0.0.1:8081
                pool: app
            admin:
              bind: 127.0.0.1:9090
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(4, config.Listeners.Count);
    }

    [Fact]
    public void Parse_AdminBindTakenByListener_Collide()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 0.0.0.0:9090
                pool: app
            admin:
              bind: 127.0.0.1:9090
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:6:9: admin.bind: bind 127.0.0.1:9090 is already used by listener 'web' (line 3)"], problems);
    }
}
