using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The pool keys of the balancing algorithms: <c>hash-key</c>, <c>agent</c>, <c>server-header</c>.</summary>
public sealed class BalancingOptionsConfigTests
{
    [Fact]
    public void Parse_AllBalancingOptions_BoundIntoPoolConfig()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                algorithm: ip-hash
                hash-key: cookie:session
                server-header: true
                servers:
                  - address: 127.0.0.1:9001
              - name: dyn
                algorithm: dynamic-weighted
                agent: { path: /load, interval: 5s, timeout: 300ms, port: 9100 }
                servers:
                  - address: 127.0.0.1:9002
            """, "t.yaml");

        Assert.Empty(result.Problems);
        var app = result.Config!.Pools[0];
        Assert.Equal(new HashKey(HashKeySource.Cookie, "session"), app.HashKey);
        Assert.True(app.ServerHeader);
        var dyn = result.Config.Pools[1];
        Assert.Equal(new AgentConfig { Path = "/load", Interval = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromMilliseconds(300), Port = 9100 }, dyn.Agent);
        Assert.False(dyn.ServerHeader);
        Assert.Null(dyn.HashKey);
    }

    [Fact]
    public void Parse_OptionsOfAnotherAlgorithm_EachNamedWithTheAlgorithmInForce()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                hash-key: header:X-User
                agent: { path: /load }
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:7:15: pools[0].hash-key: applies only to algorithm ip-hash, not round-robin",
                "t.yaml:8:12: pools[0].agent: applies only to algorithm dynamic-weighted, not round-robin",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_UnknownAlgorithmWithOptions_OnlyTheAlgorithmIsReported()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                algorithm: fastest
                hash-key: ip
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Single(result.Problems);
        Assert.StartsWith("t.yaml:7:16: pools[0].algorithm: unknown algorithm 'fastest'", result.Problems[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadBalancingOptions_AllReported()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                algorithm: ip-hash
                hash-key: cookie
                server-header: maybe
                servers:
                  - address: 127.0.0.1:9001
              - name: dyn
                algorithm: dynamic-weighted
                agent: { path: load, interval: 0s, port: 70000, foo: 1 }
                servers:
                  - address: 127.0.0.1:9002
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:8:15: pools[0].hash-key: expected ip, header:NAME or cookie:NAME, got 'cookie'",
                "t.yaml:9:20: pools[0].server-header: expected true or false, got 'maybe'",
                "t.yaml:14:20: pools[1].agent.path: must start with '/', got 'load'",
                "t.yaml:14:36: pools[1].agent.interval: must be greater than 0, got '0s'",
                "t.yaml:14:46: pools[1].agent.port: must be 1..65535, got 70000",
                "t.yaml:14:53: pools[1].agent.foo: unknown key",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("ip", HashKeySource.ClientAddress, null)]
    [InlineData("header:X-User", HashKeySource.Header, "X-User")]
    [InlineData("cookie:sid", HashKeySource.Cookie, "sid")]
    public void HashKeyTryParse_Valid_SourceAndName(string text, HashKeySource source, string? name)
    {
        Assert.Equal(new HashKey(source, name), HashKey.TryParse(text));
        Assert.Equal(text, HashKey.TryParse(text)!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("header:")]
    [InlineData(":x")]
    [InlineData("query:x")]
    [InlineData("header:a b")]
    [InlineData("cookie:a;b")]
    public void HashKeyTryParse_Invalid_Null(string text) => Assert.Null(HashKey.TryParse(text));
}
