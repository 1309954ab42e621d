using System.Net;
using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class PairConfigTests
{
    /// <summary>Eight lines and a blank one, so the pair section starts on line 9.</summary>
    private const string Base = """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001

        """;

    [Fact]
    public void Parse_EveryPairKey_LoadsIntoRecords()
    {
        var config = LoadYaml.Valid(Base + """
            pair:
              node: a
              bind: 10.99.0.1:7400
              peer: 10.99.0.2:7400
              secret-file: /etc/tandem/pair.secret
              heartbeat: 100ms
              peer-timeout: 600ms
              runtime-dir: /run/tandem
              keepalived: /usr/sbin/keepalived
              vip:
                address: 10.99.0.100/24
                interface: eth0
                priority: 150
                advert-interval: 200ms
                router-id: 7
              second-vip:
                address: 10.99.0.101/24
                interface: eth0
                priority: 100
            """);

        var pair = config.Pair!;
        Assert.Equal("a", pair.Node);
        Assert.Equal(new HostPort("10.99.0.1", 7400), pair.Bind);
        Assert.Equal(new HostPort("10.99.0.2", 7400), pair.Peer);
        Assert.Equal("/etc/tandem/pair.secret", pair.SecretFile);
        Assert.Equal(TimeSpan.FromMilliseconds(100), pair.Heartbeat);
        Assert.Equal(TimeSpan.FromMilliseconds(600), pair.PeerTimeout);
        Assert.Equal("/run/tandem", pair.RuntimeDir);
        Assert.Equal("/usr/sbin/keepalived", pair.Keepalived);
        Assert.Equal(new VipConfig
        {
            Address = new VipAddress(IPAddress.Parse("10.99.0.100"), 24),
            Interface = "eth0",
            Priority = 150,
            AdvertInterval = TimeSpan.FromMilliseconds(200),
            RouterId = 7,
        }, pair.Vip);
        Assert.Equal(100, pair.SecondVip!.Priority);
        Assert.Null(pair.SecondVip.RouterId);
    }

    [Fact]
    public void Parse_NoPairSection_Standalone() => Assert.Null(LoadYaml.Valid(Base).Pair);

    [Fact]
    public void Parse_PairMissingKeys_EachNamed()
    {
        Assert.Equal(
        [
            "test.yaml:10:3: pair: missing required key 'bind'",
            "test.yaml:10:3: pair: missing required key 'peer'",
            "test.yaml:10:3: pair: missing required key 'secret-file'",
        ], LoadYaml.Problems(Base + "pair:\n  node: a\n"));
    }

    [Fact]
    public void Parse_PairNotAMapping_Refused() =>
        Assert.Equal(["test.yaml:9:7: pair: expected a mapping"], LoadYaml.Problems(Base + "pair: []\n"));

    [Fact]
    public void Parse_BadAddressesAndUnknownKey_AllReported()
    {
        Assert.Equal(
        [
            "test.yaml:11:9: pair.bind: bad address 'nope': expected host:port",
            "test.yaml:12:9: pair.peer: bad address '10.0.0.2': expected host:port",
            "test.yaml:14:3: pair.color: unknown key",
        ], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: nope
              peer: 10.0.0.2
              secret-file: /s
              color: red
            """));
    }

    [Theory]
    [InlineData("node a", "bad node name 'node a': use 1..63 letters, digits, '.', '_' or '-'")]
    [InlineData("''", "bad node name '': use 1..63 letters, digits, '.', '_' or '-'")]
    [InlineData("a\\u00e9", "bad node name 'a\u00e9': use 1..63 letters, digits, '.', '_' or '-'")]
    public void Parse_BadNodeName_Refused(string name, string message)
    {
        var yaml = Base + $"pair:\n  node: {(name.Contains('\\', StringComparison.Ordinal) ? "\"" + name + "\"" : name)}\n  bind: 10.0.0.1:7400\n  peer: 10.0.0.2:7400\n  secret-file: /s\n";

        Assert.Equal(["test.yaml:10:9: pair.node: " + message], LoadYaml.Problems(yaml));
    }

    [Fact]
    public void Parse_EmptySecretFileAndPeerSameAsBind_Refused()
    {
        Assert.Equal(
        [
            "test.yaml:12:9: pair.peer: must differ from pair.bind (the other node's pair channel)",
            "test.yaml:13:16: pair.secret-file: must name a file",
        ], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: 10.0.0.1:7400
              peer: 10.0.0.1:7400
              secret-file: ''
            """));
    }

    [Theory]
    [InlineData("  heartbeat: 500ms\n  peer-timeout: 800ms\n", "test.yaml:15:17: pair.peer-timeout: must be at least twice pair.heartbeat, or one lost heartbeat counts as a lost peer")]
    [InlineData("  peer-timeout: 300ms\n", "test.yaml:14:17: pair.peer-timeout: must be at least twice pair.heartbeat, or one lost heartbeat counts as a lost peer")]
    [InlineData("  heartbeat: 600ms\n", "test.yaml:14:14: pair.heartbeat: must be at most half of pair.peer-timeout (1s when absent), or one lost heartbeat counts as a lost peer")]
    [InlineData("  heartbeat: 0ms\n", "test.yaml:14:14: pair.heartbeat: must be greater than 0, got '0ms'")]
    public void Parse_HeartbeatAgainstPeerTimeout_DefaultsCount(string keys, string message)
    {
        Assert.Equal([message], LoadYaml.Problems(Base + "pair:\n  node: a\n  bind: 10.0.0.1:7400\n  peer: 10.0.0.2:7400\n  secret-file: /s\n" + keys));
    }

    [Fact]
    public void Parse_HeartbeatAtHalfTheDefaultTimeout_Valid() =>
        Assert.Equal(TimeSpan.FromMilliseconds(500), LoadYaml.Valid(Base + "pair:\n  node: a\n  bind: 10.0.0.1:7400\n  peer: 10.0.0.2:7400\n  secret-file: /s\n  heartbeat: 500ms\n").Pair!.Heartbeat);

    [Fact]
    public void Parse_BadVip_EveryProblemReported()
    {
        Assert.Equal(
        [
            "test.yaml:15:14: pair.vip.address: bad address '10.0.0.100': expected address/prefix such as 10.99.0.100/24",
            "test.yaml:17:15: pair.vip.priority: must be 1..254, got 300",
            "test.yaml:18:22: pair.vip.advert-interval: must be 10ms..40s in steps of 10ms (VRRPv3)",
        ], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: 10.0.0.1:7400
              peer: 10.0.0.2:7400
              secret-file: /s
              vip:
                address: 10.0.0.100
                interface: eth0
                priority: 300
                advert-interval: 5ms
            """));
    }

    [Fact]
    public void Parse_SecondVipWithoutVip_Refused()
    {
        Assert.Equal(["test.yaml:15:5: pair.second-vip: needs pair.vip as well"], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: 10.0.0.1:7400
              peer: 10.0.0.2:7400
              secret-file: /s
              second-vip:
                address: 10.0.0.101/24
                interface: eth0
                priority: 100
            """));
    }

    [Fact]
    public void Parse_VipsWithTheSameRouterId_Refused()
    {
        Assert.Equal(["test.yaml:20:5: pair.second-vip.router-id: must differ from pair.vip.router-id"], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: 10.0.0.1:7400
              peer: 10.0.0.2:7400
              secret-file: /s
              vip:
                address: 10.0.0.100/24
                interface: eth0
                priority: 150
                router-id: 52
              second-vip:
                address: 10.0.0.101/24
                interface: eth0
                priority: 100
            """));
    }

    [Fact]
    public void Parse_BadVipPrefixesAndMissingPriority_AllReported()
    {
        Assert.Equal(
        [
            "test.yaml:15:5: pair.vip: missing required key 'priority'",
            "test.yaml:15:14: pair.vip.address: bad address '10.0.0.100/33': prefix must be 1..32",
            "test.yaml:18:14: pair.second-vip.address: bad address '10.0.0.999/24': not an IP address before '/'",
        ], LoadYaml.Problems(Base + """
            pair:
              node: a
              bind: 10.0.0.1:7400
              peer: 10.0.0.2:7400
              secret-file: /s
              vip:
                address: 10.0.0.100/33
                interface: eth0
              second-vip:
                address: 10.0.0.999/24
                interface: eth0
                priority: 100
            """));
    }

    [Fact]
    public void Parse_RateLimitSync_DurationOffAndRange()
    {
        const string Pair = """
            pair:
              node: a
              bind: 10.99.0.1:7400
              peer: 10.99.0.2:7400
              secret-file: /etc/tandem/pair.secret

            """;
        var config = LoadYaml.Valid(Base + Pair + "  rate-limit-sync: 250ms\n  rate-limit-keys: 2000\n");
        Assert.Equal((TimeSpan.FromMilliseconds(250), 2000), (config.Pair!.RateLimitSync, config.Pair.RateLimitKeys));
        Assert.Equal(TimeSpan.Zero, LoadYaml.Valid(Base + Pair + "  rate-limit-sync: off\n").Pair!.RateLimitSync);
        Assert.Null(LoadYaml.Valid(Base + Pair).Pair!.RateLimitSync);

        Assert.Equal([
            "test.yaml:14:20: pair.rate-limit-sync: must be 20ms..5s, or off",
            "test.yaml:15:20: pair.rate-limit-keys: must be 1..100000, got 0",
        ], LoadYaml.Problems(Base + Pair + "  rate-limit-sync: 10ms\n  rate-limit-keys: 0\n"));
    }
}
