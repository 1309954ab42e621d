using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The pool keys of health checking, retries and limits (issue 4).</summary>
public sealed class HealthOptionsConfigTests
{
    [Fact]
    public void Parse_AllHealthAndLimitOptions_BoundIntoPoolConfig()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                health:
                  path: /healthz
                  expect-status: 200-299
                  expect-body: ok
                  host: app.internal
                  interval: 1s
                  fall-interval: 250ms
                  timeout: 500ms
                  rise: 3
                  fall: 2
                passive: { consecutive-failures: 3, ejection-time: 5s, max-ejection-percent: 30, count-5xx: true }
                slow-start: 30s
                retries: 1
                retry-body-limit: 1024
                queue: { size: 50, timeout: 2s }
                servers:
                  - address: 127.0.0.1:9001
                    max-connections: 10
            """, "t.yaml");

        Assert.Empty(result.Problems);
        var pool = result.Config!.Pools[0];
        Assert.Equal(new HealthConfig
        {
            Path = "/healthz",
            ExpectStatus = new StatusRange(200, 299),
            ExpectBody = "ok",
            Host = "app.internal",
            Interval = TimeSpan.FromSeconds(1),
            FallInterval = TimeSpan.FromMilliseconds(250),
            Timeout = TimeSpan.FromMilliseconds(500),
            Rise = 3,
            Fall = 2,
        }, pool.Health);
        Assert.Equal(new PassiveHealthConfig { ConsecutiveFailures = 3, EjectionTime = TimeSpan.FromSeconds(5), MaxEjectionPercent = 30, Count5xx = true }, pool.Passive);
        Assert.Equal(TimeSpan.FromSeconds(30), pool.SlowStart);
        Assert.Equal(1, pool.Retries);
        Assert.Equal(1024, pool.RetryBodyLimit);
        Assert.Equal(new QueueConfig { Size = 50, Timeout = TimeSpan.FromSeconds(2) }, pool.Queue);
        Assert.Equal(10, pool.Servers[0].MaxConnections);
    }

    [Fact]
    public void Parse_BadHealthAndLimitOptions_AllReported()
    {
        var result = ConfigLoader.Parse(TestYaml.PoolHead + """
                algorithm: ip-hash
                health: { expect-status: 200-99, interval: soon, rise: 0 }
                passive: { consecutive-failures: -1, max-ejection-percent: 150, count-5xx: sometimes }
                slow-start: 10s
                retries: 11
                queue: { size: -5, wait: 1s }
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:8:30: pools[0].health.expect-status: expected a status code or range such as 200 or 200-399 (100..599), got '200-99'",
                "t.yaml:8:48: pools[0].health.interval: bad duration 'soon'; write e.g. 250ms, 2s, 5m, 1h",
                "t.yaml:8:60: pools[0].health.rise: must be 1..100, got 0",
                "t.yaml:9:38: pools[0].passive.consecutive-failures: must be 0..1000, got -1",
                "t.yaml:9:64: pools[0].passive.max-ejection-percent: must be 0..100, got 150",
                "t.yaml:9:80: pools[0].passive.count-5xx: expected true or false, got 'sometimes'",
                "t.yaml:10:17: pools[0].slow-start: does not apply to ip-hash: ramping weights would move clients between servers",
                "t.yaml:11:14: pools[0].retries: must be 0..10, got 11",
                "t.yaml:12:20: pools[0].queue.size: must be 0..1000000, got -5",
                "t.yaml:12:24: pools[0].queue.wait: unknown key",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Theory]
    [InlineData("200", 200, 200)]
    [InlineData("200-399", 200, 399)]
    [InlineData("100-599", 100, 599)]
    public void StatusRangeTryParse_Valid(string text, int from, int to)
    {
        Assert.Equal(new StatusRange(from, to), StatusRange.TryParse(text));
        Assert.Equal(text, StatusRange.TryParse(text)!.Value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("99")]
    [InlineData("600")]
    [InlineData("300-200")]
    [InlineData("2xx")]
    [InlineData("200-")]
    public void StatusRangeTryParse_Invalid_Null(string text) => Assert.Null(StatusRange.TryParse(text));
}
