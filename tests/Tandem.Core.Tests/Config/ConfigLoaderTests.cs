using Tandem.Core.Balancing;
using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Parse_EveryKey_LoadsIntoRecords()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: http
                pool: app
                http-versions: h2c
                keepalive-timeout: 15s
                max-connections: 100
            admin:
              bind: 127.0.0.1:9090
            drain-timeout: 10s
            pools:
              - name: app
                algorithm: weighted-round-robin
                servers:
                  - address: 127.0.0.1:9001
                    name: a
                    weight: 5
                    max-connections: 5000
                  - address: 127.0.0.1:9002
                    weight: 3
                  - address: 127.0.0.1:9003
                    backup: true
                health:
                  path: /healthz
                  interval: 1s
                  timeout: 500ms
                  rise: 2
                  fall: 4
                timeouts:
                  connect: 250ms
                  response: 5m
                  idle: 1h
                keepalive-timeout: 90s
            """);

        var listener = Assert.Single(config.Listeners);
        Assert.Equal(new ListenerConfig
        {
            Name = "web",
            Bind = new HostPort("127.0.0.1", 8080),
            Protocol = ListenerProtocol.Http,
            Pool = "app",
            HttpVersions = HttpVersions.H2c,
            KeepAliveTimeout = TimeSpan.FromSeconds(15),
            MaxConnections = 100,
        }, listener);
        Assert.Equal(new HostPort("127.0.0.1", 9090), config.Admin?.Bind);
        Assert.Equal(TimeSpan.FromSeconds(10), config.DrainTimeout);

        var pool = Assert.Single(config.Pools);
        Assert.Equal("app", pool.Name);
        Assert.Equal(BalancingAlgorithms.WeightedRoundRobin, pool.Algorithm);
        Assert.Equal(
            [
                new ServerConfig { Address = new HostPort("127.0.0.1", 9001), Name = "a", Weight = 5, MaxConnections = 5000 },
                new ServerConfig { Address = new HostPort("127.0.0.1", 9002), Name = "127.0.0.1:9002", Weight = 3 },
                new ServerConfig { Address = new HostPort("127.0.0.1", 9003), Name = "127.0.0.1:9003", Backup = true },
            ],
            pool.Servers);
        Assert.Equal(new HealthConfig
        {
            Path = "/healthz",
            Interval = TimeSpan.FromSeconds(1),
            Timeout = TimeSpan.FromMilliseconds(500),
            Rise = 2,
            Fall = 4,
        }, pool.Health);
        Assert.Equal(new PoolTimeouts
        {
            Connect = TimeSpan.FromMilliseconds(250),
            Response = TimeSpan.FromMinutes(5),
            Idle = TimeSpan.FromHours(1),
        }, pool.Timeouts);
        Assert.Equal(TimeSpan.FromSeconds(90), pool.KeepAliveTimeout);
        Assert.Same(pool, config.FindPool("app"));
    }

    [Fact]
    public void Parse_OptionalKeysOmitted_DefaultsApply()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        var listener = Assert.Single(config.Listeners);
        Assert.Equal(ListenerProtocol.Http, listener.Protocol);
        Assert.Equal(HttpVersions.Auto, listener.HttpVersions);
        Assert.Null(listener.KeepAliveTimeout);
        Assert.Null(listener.MaxConnections);
        Assert.Null(config.Admin);
        Assert.Null(config.DrainTimeout);

        var pool = Assert.Single(config.Pools);
        Assert.Equal(BalancingAlgorithms.RoundRobin, pool.Algorithm);
        Assert.Null(pool.Health);
        Assert.Null(pool.Timeouts);
        Assert.Null(pool.KeepAliveTimeout);

        var server = Assert.Single(pool.Servers);
        Assert.Equal("127.0.0.1:9001", server.Name);
        Assert.Null(server.Weight);
        Assert.Equal(ConfigDefaults.Weight, server.EffectiveWeight);
        Assert.Null(server.MaxConnections);
        Assert.False(server.Backup);
    }

    [Fact]
    public void Parse_EmptyOptionalSections_TreatedAsAbsent()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            admin:
            pools:
              - name: app
                health:
                servers:
                  - address: 127.0.0.1:9001
                    weight: ~
            """);

        Assert.Null(config.Admin);
        Assert.Null(config.Pools[0].Health);
        Assert.Null(config.Pools[0].Servers[0].Weight);
    }

    [Fact]
    public void Parse_HealthWithoutPath_IsATcpCheck()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                health:
                  interval: 2s
            """);

        Assert.Equal(new HealthConfig { Interval = TimeSpan.FromSeconds(2) }, config.Pools[0].Health);
    }

    [Fact]
    public void Parse_Ipv6Binds_Accepted()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: "[::1]:8080"
                pool: app
              - name: any
                bind: "[::]:8081"
                pool: app
            admin:
              bind: '[::1]:9090'
            pools:
              - name: app
                servers:
                  - address: "[::1]:9001"
            """);

        Assert.Equal(new HostPort("::1", 8080), config.Listeners[0].Bind);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, config.Listeners[0].Bind.Ip);
        Assert.Equal("[::1]:8080", config.Listeners[0].Bind.ToString());
        Assert.Equal(System.Net.IPAddress.IPv6Any, config.Listeners[1].Bind.Ip);
        Assert.Equal(new HostPort("::1", 9090), config.Admin?.Bind);
        Assert.Equal("[::1]:9001", config.Pools[0].Servers[0].Name);
    }

    [Fact]
    public void Parse_DnsServerAddress_Accepted()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 0.0.0.0:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: app1.internal:80
                  - address: localhost:9002
            """);

        Assert.Equal(new HostPort("app1.internal", 80), config.Pools[0].Servers[0].Address);
        Assert.Null(config.Pools[0].Servers[0].Address.Ip);
        Assert.Equal("localhost:9002", config.Pools[0].Servers[1].Name);
    }

    [Fact]
    public void Parse_FlowStyle_LoadsLikeBlockStyle()
    {
        var config = LoadYaml.Valid("""
            listeners: [{name: web, bind: 127.0.0.1:8080, pool: app}]
            pools:
              - {name: app, servers: [{address: 127.0.0.1:9001, weight: 2}, {address: 127.0.0.1:9002}]}
            """);

        Assert.Equal("app", config.Listeners[0].Pool);
        Assert.Equal([2, 1], config.Pools[0].Servers.Select(s => s.EffectiveWeight));
    }

    [Fact]
    public void Parse_Valid_SourceIsLabelAndVersionIsContentHash()
    {
        const string Yaml = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """;

        var config = ConfigLoader.Parse(Yaml, "/etc/tandem/tandem.yaml").Config!;

        Assert.Equal("/etc/tandem/tandem.yaml", config.Source);
        Assert.Equal(ConfigLoader.VersionOf(Yaml), config.Version);
        Assert.Matches("^[0-9a-f]{12}$", config.Version);
        Assert.NotEqual(config.Version, ConfigLoader.VersionOf(Yaml + "\n"));
    }

    [Fact]
    public void Parse_FourDifferentErrors_ReportsAllInLineOrder()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1
                pool: ap
            pools:
              - name: app
                algorithm: fastest
                servers:
                  - address: 127.0.0.1:9001
                    wieght: 2
                  - address: 127.0.0.1:9002
                    weight: 300
                health:
                  interval: 5x
            """);

        Assert.Equal(
            [
                "test.yaml:3:11: listeners[0].bind: bad address '127.0.0.1': expected host:port",
                "test.yaml:4:11: listeners[0].pool: unknown pool 'ap'; defined pools: app",
                $"test.yaml:7:16: pools[0].algorithm: unknown algorithm 'fastest'; expected one of {string.Join(", ", BalancingAlgorithms.All)}",
                "test.yaml:10:9: pools[0].servers[0].wieght: unknown key; did you mean 'weight'?",
                "test.yaml:12:17: pools[0].servers[1].weight: must be 1..256, got 300",
                "test.yaml:14:17: pools[0].health.interval: bad duration '5x'; write e.g. 250ms, 2s, 5m, 1h",
            ],
            problems);
    }

    [Fact]
    public void Parse_ProblemsOnOneLine_OrderedByColumn()
    {
        var problems = LoadYaml.Problems("""
            listeners: [{name: web, bind: localhost:8080, pool: app, protocol: sctp}]
            pools: [{name: app, servers: [{address: 127.0.0.1:9001, weight: 0}]}]
            """);

        Assert.Equal(
            [
                "test.yaml:1:31: listeners[0].bind: bad address 'localhost:8080': bind needs an IP address such as 127.0.0.1, 0.0.0.0, [::1] or [::]",
                "test.yaml:1:68: listeners[0].protocol: unknown protocol 'sctp'; expected http, tcp, udp or tls-passthrough",
                "test.yaml:2:65: pools[0].servers[0].weight: must be 1..256, got 0",
            ],
            problems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# nothing here yet\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Parse_EmptyDocument_SaysConfigIsEmpty(string yaml)
    {
        Assert.Equal(["test.yaml:1:1: config is empty; expected keys listeners and pools"], LoadYaml.Problems(yaml));
    }

    [Theory]
    [InlineData("hello\n")]
    [InlineData("- listeners\n- pools\n")]
    public void Parse_RootNotAMapping_ExpectedAMapping(string yaml)
    {
        Assert.Equal(["test.yaml:1:1: expected a mapping"], LoadYaml.Problems(yaml));
    }

    [Fact]
    public void Parse_RootWithoutRequiredKeys_NamesBoth()
    {
        Assert.Equal(
            [
                "test.yaml:1:1: missing required key 'listeners'",
                "test.yaml:1:1: missing required key 'pools'",
            ],
            LoadYaml.Problems("drain-timeout: 5s\n"));
    }

    [Fact]
    public void Parse_TwoDocuments_SecondRefused()
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
            ---
            listeners: []
            """);

        Assert.Equal(["test.yaml:10:1: only one YAML document is allowed"], problems);
    }

    [Fact]
    public void Parse_UnclosedQuote_SyntaxErrorAtTheQuote()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: "127.0.0.1:8080
                pool: app
            """);

        Assert.Equal(["test.yaml:3:11: YAML syntax error: While scanning a multi-line double-quoted scalar, found wrong indentation."], problems);
    }

    [Fact]
    public void Parse_BadIndentation_SyntaxErrorAtTheLine()
    {
        var problems = LoadYaml.Problems("""
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
               weight: 3
            """);

        Assert.Equal(["test.yaml:5:4: YAML syntax error: While parsing a block collection, did not find expected '-' indicator."], problems);
    }

    [Fact]
    public void Parse_UnquotedIpv6Bind_SaysToQuoteTheValue()
    {
        // [::1]:8080 unquoted starts a YAML list; the value has to be quoted.
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: [::1]:8080
                pool: app
            """);

        Assert.Equal(["test.yaml:3:11: YAML syntax error: a value starting with '[' is read as a YAML list; quote it: bind: \"[::1]:8080\""], problems);
    }

    [Fact]
    public void Parse_UnquotedIpv6AnyWithComment_SaysToQuoteTheValue()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: [::]:80            # all addresses
                pool: app
            """);

        Assert.Equal(["test.yaml:3:11: YAML syntax error: a value starting with '[' is read as a YAML list; quote it: bind: \"[::]:80\""], problems);
    }

    [Fact]
    public void Parse_UnquotedIpv6WithoutPort_SaysToQuoteTheValue()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: [::]
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Contains("test.yaml:3:11: listeners[0].bind: expected a single value; [::] unquoted is a YAML list, quote it: \"[::]\"", problems);
    }

    [Fact]
    public void Parse_QuotedIpv6Bind_IsValid()
    {
        var result = ConfigLoader.Parse("""
            listeners:
              - name: web
                bind: "[::]:80"
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """, "test.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(80, result.Config!.Listeners[0].Bind.Port);
    }

    [Fact]
    public void Parse_UnclosedFlowList_SyntaxErrorAtTheNextLine()
    {
        // YamlDotNet throws a bare InvalidOperationException here; the loader must still report it as a problem.
        var problems = LoadYaml.Problems("""
            pools:
              - name: app
                servers: [{address: 127.0.0.1:9001}
            listeners: []
            """);

        Assert.Equal(["test.yaml:4:1: YAML syntax error: found a line indented less than the enclosing [ ] or { }; is a closing ']' or '}' missing?"], problems);
    }

    [Fact]
    public void Parse_UnclosedFlowMapping_SyntaxErrorAtTheNextLine()
    {
        var problems = LoadYaml.Problems("""
            admin: {bind: 127.0.0.1:9090
            pools: []
            """);

        Assert.Equal(["test.yaml:2:1: YAML syntax error: found a line indented less than the enclosing [ ] or { }; is a closing ']' or '}' missing?"], problems);
    }

    [Fact]
    public void Parse_UnknownAlias_SyntaxError()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: *app
            """);

        Assert.Equal(["test.yaml:4:11: YAML syntax error: unknown alias '*app'"], problems);
    }

    [Fact]
    public void Parse_ComplexKey_SyntaxError()
    {
        Assert.Equal(["test.yaml:1:3: YAML syntax error: keys must be plain values"], LoadYaml.Problems("? [a, b]\n: 1\n"));
    }

    [Fact]
    public void Parse_AnchorAndAlias_ValueReused()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: &pool app
            pools:
              - name: *pool
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal("app", config.Pools[0].Name);
    }

    [Fact]
    public void Parse_PathologicalNesting_SyntaxErrorNotStackOverflow()
    {
        var yaml = "listeners: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        Assert.Equal(["test.yaml:1:76: YAML syntax error: nested more than 64 levels deep"], LoadYaml.Problems(yaml));
    }

    [Fact]
    public void Load_MissingFile_CannotReadConfig()
    {
        var path = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"), "tandem.yaml");

        var result = ConfigLoader.Load(path);

        Assert.Null(result.Config);
        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{path}:1:1: cannot read config: Could not find a part of the path '{path}'.", problem.ToString());
    }

    [Fact]
    public void Load_File_ProblemsAndSourceNameThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            File.WriteAllText(path, """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    pool: app
                pools:
                  - name: app
                    servers:
                      - address: 127.0.0.1:9001
                """);
            var valid = ConfigLoader.Load(path);
            File.WriteAllText(path, "pools: []\n");
            var invalid = ConfigLoader.Load(path);

            Assert.Equal(path, valid.Config?.Source);
            Assert.Equal(
                [
                    $"{path}:1:1: missing required key 'listeners'",
                    $"{path}:1:8: pools: must list at least one pool",
                ],
                invalid.Problems.Select(p => p.ToString()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
