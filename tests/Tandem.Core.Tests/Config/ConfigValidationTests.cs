using Tandem.Core.Balancing;

namespace Tandem.Core.Tests.Config;

/// <summary>One bad key at a time: the message, key path and line:column a user sees for it.</summary>
public sealed class ConfigValidationTests
{
    [Fact]
    public void Parse_UnknownAlgorithm_ListsValidNames()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                algorithm: least-conn
                servers:
                  - address: 127.0.0.1:9001
            """);

        // The list is the registry's, so a newly added algorithm shows up here without editing this test.
        Assert.Equal([$"test.yaml:7:16: pools[0].algorithm: unknown algorithm 'least-conn'; expected one of {string.Join(", ", BalancingAlgorithms.All)}"], problems);
        Assert.Contains("round-robin, weighted-round-robin", string.Join(", ", BalancingAlgorithms.All), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "must be 1..256, got 0")]
    [InlineData("257", "must be 1..256, got 257")]
    [InlineData("-1", "must be 1..256, got -1")]
    [InlineData("heavy", "expected an integer, got 'heavy'")]
    [InlineData("1.5", "expected an integer, got '1.5'")]
    [InlineData("99999999999", "expected an integer, got '99999999999'")]
    [InlineData("[1, 2]", "expected a single value")]
    public void Parse_BadWeight_ReportsWeight(string weight, string message)
    {
        var problems = LoadYaml.Problems($"""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    weight: {weight}
            """);

        Assert.Equal([$"test.yaml:9:17: pools[0].servers[0].weight: {message}"], problems);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("256", 256)]
    [InlineData("\"7\"", 7)]
    public void Parse_WeightInRange_Accepted(string weight, int expected)
    {
        var config = LoadYaml.Valid($"""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    weight: {weight}
            """);

        Assert.Equal(expected, config.Pools[0].Servers[0].Weight);
    }

    [Theory]
    [InlineData("127.0.0.1", "expected host:port")]
    [InlineData(":9001", "expected host:port")]
    [InlineData("127.0.0.1:0", "port must be 1..65535")]
    [InlineData("127.0.0.1:70000", "port must be 1..65535")]
    [InlineData("127.0.0.1:http", "port must be 1..65535")]
    [InlineData("not a host!:80", "host must be an IP address or a DNS name")]
    [InlineData("garbage", "expected host:port")]
    [InlineData("http://127.0.0.1:9001", "expected host:port without a scheme")]
    [InlineData("::1:9001", "IPv6 addresses must be written in brackets, e.g. [::1]:8080")]
    [InlineData("[::1]", "expected [ipv6]:port")]
    [InlineData("[127.0.0.1]:9001", "not an IPv6 address inside [ ]")]
    [InlineData("10.0.1:9001", "IPv4 addresses must be written as four numbers 0..255, e.g. 10.0.0.1")]
    [InlineData("256.0.0.1:9001", "IPv4 addresses must be written as four numbers 0..255, e.g. 10.0.0.1")]
    public void Parse_BadServerAddress_SaysWhatIsWrong(string address, string message)
    {
        var problems = LoadYaml.Problems($"""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: "{address}"
            """);

        Assert.Equal([$"test.yaml:8:18: pools[0].servers[0].address: bad address '{address}': {message}"], problems);
    }

    [Theory]
    [InlineData("localhost:8080", "bind needs an IP address such as 127.0.0.1, 0.0.0.0, [::1] or [::]")]
    [InlineData("8080", "expected host:port")]
    [InlineData("127.0.0.1:99999", "port must be 1..65535")]
    [InlineData("127.1:8080", "IPv4 addresses must be written as four numbers 0..255, e.g. 10.0.0.1")]
    public void Parse_BadListenerBind_SaysWhatIsWrong(string bind, string message)
    {
        var problems = LoadYaml.Problems($"""
            listeners:
              - name: web
                bind: "{bind}"
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal([$"test.yaml:3:11: listeners[0].bind: bad address '{bind}': {message}"], problems);
    }

    [Fact]
    public void Parse_AdminBindWithoutIp_NeedsAnIp()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            admin:
              bind: admin.local:9090
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:6:9: admin.bind: bad address 'admin.local:9090': bind needs an IP address such as 127.0.0.1, 0.0.0.0, [::1] or [::]"], problems);
    }

    [Theory]
    [InlineData("5x", "bad duration '5x'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("-1s", "bad duration '-1s'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("ms", "bad duration 'ms'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("30", "bad duration '30'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("1d", "bad duration '1d'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("2S", "bad duration '2S'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("0s", "must be greater than 0, got '0s'")]
    public void Parse_BadDuration_ShowsTheFormat(string duration, string message)
    {
        var problems = LoadYaml.Problems($"""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            drain-timeout: {duration}
            """);

        Assert.Equal([$"test.yaml:9:16: drain-timeout: {message}"], problems);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    public void Parse_GoodDuration_Converted(string duration, int milliseconds)
    {
        var config = LoadYaml.Valid($"""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            drain-timeout: {duration}
            """);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), config.DrainTimeout);
    }

    [Fact]
    public void Parse_BadDurationInEveryDurationKey_EachNamesItsPath()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
                keepalive-timeout: 10
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                health:
                  interval: 1 s
                  timeout: fast
                timeouts:
                  connect: 2sec
                  response: 1m30s
                  idle: -5m
                keepalive-timeout: 0ms
            """);

        Assert.Equal(
            [
                "test.yaml:5:24: listeners[0].keepalive-timeout: bad duration '10'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:11:17: pools[0].health.interval: bad duration '1 s'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:12:16: pools[0].health.timeout: bad duration 'fast'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:14:16: pools[0].timeouts.connect: bad duration '2sec'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:15:17: pools[0].timeouts.response: bad duration '1m30s'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:16:13: pools[0].timeouts.idle: bad duration '-5m'; write e.g. 250ms, 2s, 5m, 1h",
                "test.yaml:17:24: pools[0].keepalive-timeout: must be greater than 0, got '0ms'",
            ],
            problems);
    }

    [Fact]
    public void Parse_UnknownKeysAtEveryLevel_SuggestTheClosestKnownKey()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
                protcol: http
            admin:
              bnd: 127.0.0.1:9090
            pools:
              - name: app
                algoritm: round-robin
                servers:
                  - address: 127.0.0.1:9001
                    Weight: 2
                health:
                  intervall: 1s
                timeouts:
                  conect: 1s
            drain-timout: 5s
            """);

        Assert.Equal(
            [
                "test.yaml:5:5: listeners[0].protcol: unknown key; did you mean 'protocol'?",
                "test.yaml:7:3: admin.bnd: unknown key; did you mean 'bind'?",
                "test.yaml:10:5: pools[0].algoritm: unknown key; did you mean 'algorithm'?",
                "test.yaml:13:9: pools[0].servers[0].Weight: unknown key; did you mean 'weight'?",
                "test.yaml:15:7: pools[0].health.intervall: unknown key; did you mean 'interval'?",
                "test.yaml:17:7: pools[0].timeouts.conect: unknown key; did you mean 'connect'?",
                "test.yaml:18:1: drain-timout: unknown key; did you mean 'drain-timeout'?",
            ],
            problems);
    }

    [Fact]
    public void Parse_UnknownKeyNothingClose_NoSuggestion()
    {
        var problems = LoadYaml.Problems("""
            telemetry: debug
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
                quic: true
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    zone: eu-1
            """);

        Assert.Equal(
            [
                "test.yaml:1:1: telemetry: unknown key",
                "test.yaml:6:5: listeners[0].quic: unknown key",
                "test.yaml:11:9: pools[0].servers[0].zone: unknown key",
            ],
            problems);
    }

    [Fact]
    public void Parse_MisspelledRequiredKey_AlsoReportsItMissing()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - adress: 127.0.0.1:9001
            """);

        Assert.Equal(
            [
                "test.yaml:8:9: pools[0].servers[0].adress: unknown key; did you mean 'address'?",
                "test.yaml:8:9: pools[0].servers[0]: missing required key 'address'",
            ],
            problems);
    }

    [Fact]
    public void Parse_DuplicateKey_ReportedAtTheSecond()
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
                    weight: 2
                    weight: 3
            pools: []
            """);

        Assert.Equal(
            [
                "test.yaml:10:9: pools[0].servers[0].weight: duplicate key",
                "test.yaml:11:1: pools: duplicate key",
            ],
            problems);
    }

    [Fact]
    public void Parse_ProtocolTcp_Loads()
    {
        var config = LoadYaml.Valid("""
            listeners:
              - name: db
                bind: 127.0.0.1:5432
                protocol: tcp
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:15432
            """);

        Assert.Equal(Tandem.Core.Config.ListenerProtocol.Tcp, config.Listeners[0].Protocol);
        Assert.Equal("app", config.Listeners[0].Stream!.DefaultPool);
    }

    [Fact]
    public void Parse_UnknownProtocolAndHttpVersions_ListChoices()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: sctp
                http-versions: h3
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(
            [
                "test.yaml:4:15: listeners[0].protocol: unknown protocol 'sctp'; expected http, tcp, udp or tls-passthrough",
                "test.yaml:5:20: listeners[0].http-versions: unknown value 'h3'; expected auto, http1 or h2c",
            ],
            problems);
    }

    [Fact]
    public void Parse_WrongNodeTypes_ExpectedListMappingOrValue()
    {
        var problems = LoadYaml.Problems("""
            listeners: web
            admin: [127.0.0.1:9090]
            pools:
              - app
              - name: [api]
                servers: 127.0.0.1:9001
              - name: db
                servers:
                  - address: {host: 127.0.0.1, port: 9001}
                    backup: [true]
                health: /healthz
            """);

        Assert.Equal(
            [
                "test.yaml:1:12: listeners: expected a list",
                "test.yaml:2:8: admin: expected a mapping",
                "test.yaml:4:5: pools[0]: expected a mapping",
                "test.yaml:5:11: pools[1].name: expected a single value",
                "test.yaml:6:14: pools[1].servers: expected a list",
                "test.yaml:9:18: pools[2].servers[0].address: expected a single value",
                "test.yaml:10:17: pools[2].servers[0].backup: expected a single value",
                "test.yaml:11:13: pools[2].health: expected a mapping",
            ],
            problems);
    }

    [Fact]
    public void Parse_ListenerAsScalar_ExpectedAMapping()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - 127.0.0.1:8080
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(["test.yaml:2:5: listeners[0]: expected a mapping"], problems);
    }

    [Fact]
    public void Parse_MissingRequiredKeys_ReportedAtTheirMapping()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - bind: 127.0.0.1:8080
              - name: api
            pools:
              - servers:
                  - name: a
              - name: empty
            """);

        Assert.Equal(
            [
                "test.yaml:2:5: listeners[0]: missing required key 'name'",
                "test.yaml:2:5: listeners[0]: missing required key 'pool'",
                "test.yaml:3:5: listeners[1]: missing required key 'bind'",
                "test.yaml:3:5: listeners[1]: missing required key 'pool'",
                "test.yaml:5:5: pools[0]: missing required key 'name'",
                "test.yaml:6:9: pools[0].servers[0]: missing required key 'address'",
                "test.yaml:7:5: pools[1]: missing required key 'servers'",
            ],
            problems);
    }

    [Fact]
    public void Parse_EmptyLists_SayWhatMustBeListed()
    {
        var problems = LoadYaml.Problems("""
            listeners: []
            pools:
              - name: app
                servers: []
            """);

        Assert.Equal(
            [
                "test.yaml:1:12: listeners: must list at least one listener",
                "test.yaml:4:14: pools[0].servers: must list at least one server",
            ],
            problems);
    }

    [Fact]
    public void Parse_NoPools_MustListAtLeastOne()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools: []
            """);

        Assert.Equal(
            [
                "test.yaml:4:11: listeners[0].pool: unknown pool 'app'; defined pools: none",
                "test.yaml:5:8: pools: must list at least one pool",
            ],
            problems);
    }

    [Fact]
    public void Parse_BackupNotABoolean_ExpectedTrueOrFalse()
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
                    backup: true
                  - address: 127.0.0.1:9002
                    backup: yes
            """);

        Assert.Equal(["test.yaml:11:17: pools[0].servers[1].backup: expected true or false, got 'yes'"], problems);
    }

    [Fact]
    public void Parse_AllServersBackup_NeedsAPrimary()
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
                    backup: true
            """);

        Assert.Equal(["test.yaml:8:7: pools[0].servers: needs at least one server that is not a backup"], problems);
    }

    [Fact]
    public void Parse_BadHealthValues_EachReported()
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
                health:
                  path: healthz
                  rise: 0
                  fall: 101
            """);

        Assert.Equal(
            [
                "test.yaml:10:13: pools[0].health.path: must start with '/', got 'healthz'",
                "test.yaml:11:13: pools[0].health.rise: must be 1..100, got 0",
                "test.yaml:12:13: pools[0].health.fall: must be 1..100, got 101",
            ],
            problems);
    }

    [Fact]
    public void Parse_MaxConnectionsOutOfRange_ShowsRange()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
                max-connections: 0
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    max-connections: 1000001
            """);

        Assert.Equal(
            [
                "test.yaml:5:22: listeners[0].max-connections: must be 1..1000000, got 0",
                "test.yaml:10:26: pools[0].servers[0].max-connections: must be 1..1000000, got 1000001",
            ],
            problems);
    }

    [Fact]
    public void Parse_BadNames_SayWhichCharactersAreAllowed()
    {
        var problems = LoadYaml.Problems("""
            listeners:
              - name: "web front"
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    name: a/b
              - name: ""
                servers:
                  - address: 127.0.0.1:9002
              - name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                servers:
                  - address: 127.0.0.1:9003
            """);

        Assert.Equal(
            [
                "test.yaml:2:11: listeners[0].name: name 'web front' may only contain letters, digits, '.', '_' and '-'",
                "test.yaml:9:15: pools[0].servers[0].name: name 'a/b' may only contain letters, digits, '.', '_', '-', ':', '[' and ']'",
                "test.yaml:10:11: pools[1].name: name must not be empty",
                "test.yaml:13:11: pools[2].name: name must be at most 64 characters",
            ],
            problems);
    }
}
