using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The <c>forecast</c> section and the per-pool <c>capacity</c> and <c>scale-ahead</c> keys.</summary>
public sealed class ForecastConfigTests
{
    private static string Pool(string extra) => TestYaml.Listener + $"""
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
              - address: 127.0.0.1:9002
                backup: true
        {extra}
        """;

    [Fact]
    public void Parse_FullForecastConfig_Bound()
    {
        var config = LoadYaml.Valid(TestYaml.Listener + """
            forecast:
              data-dir: /var/lib/tandem
              minute-retention-days: 7
              hour-retention-days: 365
              retrain-interval: 2h
            pools:
              - name: app
                capacity: 250.5
                scale-ahead:
                  lead: 20m
                  threshold: 75%
                  actions:
                    - wake-backups
                    - webhook: https://ops.example/scale
                    - command: "/usr/local/bin/scale-out --fast"
                      timeout: 30s
                servers:
                  - address: 127.0.0.1:9001
            """);

        Assert.Equal(new ForecastConfig { DataDir = "/var/lib/tandem", MinuteRetentionDays = 7, HourRetentionDays = 365, RetrainInterval = TimeSpan.FromHours(2) },
            config.Forecast);
        var pool = config.Pools[0];
        Assert.Equal(250.5, pool.Capacity);
        Assert.Equal(TimeSpan.FromMinutes(20), pool.ScaleAhead!.Lead);
        Assert.Equal(0.75, pool.ScaleAhead.Threshold!.Value, 6);
        Assert.Equal(
            [new ScaleAction(ScaleActionKind.WakeBackups), new ScaleAction(ScaleActionKind.Webhook, "https://ops.example/scale"),
             new ScaleAction(ScaleActionKind.Command, "/usr/local/bin/scale-out --fast", TimeSpan.FromSeconds(30))],
            pool.ScaleAhead.Actions);
    }

    [Fact]
    public void Parse_NoForecastKeys_Absent()
    {
        var config = LoadYaml.Valid(Pool(""));

        Assert.Null(config.Forecast);
        Assert.Null(config.Pools[0].Capacity);
        Assert.Null(config.Pools[0].ScaleAhead);
    }

    [Fact]
    public void Parse_EmptyScaleAhead_Defaults()
    {
        var config = LoadYaml.Valid(Pool("    scale-ahead: {}"));

        var scaleAhead = config.Pools[0].ScaleAhead!;
        Assert.Null(scaleAhead.Lead);
        Assert.Null(scaleAhead.Threshold);
        Assert.Empty(scaleAhead.Actions);
    }

    [Theory]
    [InlineData("0", "expected requests per second per server, a number greater than 0 and at most 10000000, got '0'")]
    [InlineData("-5", "expected requests per second per server, a number greater than 0 and at most 10000000, got '-5'")]
    [InlineData("fast", "expected requests per second per server, a number greater than 0 and at most 10000000, got 'fast'")]
    public void Parse_BadCapacity_Reported(string value, string message)
    {
        var problems = LoadYaml.Problems(Pool($"    capacity: {value}"));

        Assert.Equal([$"test.yaml:11:15: pools[0].capacity: {message}"], problems);
    }

    [Theory]
    [InlineData("threshold: 80", "test.yaml:12:18: pools[0].scale-ahead.threshold: expected a percentage 1%..100% such as 80%, got '80'")]
    [InlineData("threshold: 120%", "test.yaml:12:18: pools[0].scale-ahead.threshold: expected a percentage 1%..100% such as 80%, got '120%'")]
    [InlineData("lead: 2d", "test.yaml:12:13: pools[0].scale-ahead.lead: bad duration '2d'; write e.g. 250ms, 2s, 5m, 1h")]
    [InlineData("lead: 25h", "test.yaml:12:13: pools[0].scale-ahead.lead: must be at most 24h (the forecast's reach)")]
    [InlineData("leed: 5m", "test.yaml:12:7: pools[0].scale-ahead.leed: unknown key; did you mean 'lead'?")]
    [InlineData("actions: [wake-backup]", "test.yaml:12:17: pools[0].scale-ahead.actions[0]: unknown action 'wake-backup'; expected wake-backups, webhook: URL or command: \"...\"")]
    [InlineData("actions: [{webhook: ftp://x/y}]", "test.yaml:12:27: pools[0].scale-ahead.actions[0].webhook: expected an http:// or https:// URL, got 'ftp://x/y'")]
    [InlineData("actions: [{webhook: http://x/, command: run}]", "test.yaml:12:17: pools[0].scale-ahead.actions[0]: give either webhook or command, not both")]
    [InlineData("actions: [{timeout: 5s}]", "test.yaml:12:17: pools[0].scale-ahead.actions[0]: expected wake-backups, webhook: URL or command: \"...\"")]
    [InlineData("actions: [{command: run, timeout: soon}]", "test.yaml:12:41: pools[0].scale-ahead.actions[0].timeout: bad duration 'soon'; write e.g. 250ms, 2s, 5m, 1h")]
    public void Parse_BadScaleAhead_Reported(string line, string message)
    {
        var problems = LoadYaml.Problems(Pool($"    scale-ahead:\n      {line}"));

        Assert.Equal([message], problems);
    }

    [Theory]
    [InlineData("data-dir: \"\"", "test.yaml:2:13: forecast.data-dir: must not be empty")]
    [InlineData("minute-retention-days: 0", "test.yaml:2:26: forecast.minute-retention-days: must be 1..366, got 0")]
    [InlineData("hour-retention-days: 5000", "test.yaml:2:24: forecast.hour-retention-days: must be 1..3660, got 5000")]
    [InlineData("retrain-interval: 0s", "test.yaml:2:21: forecast.retrain-interval: must be greater than 0, got '0s'")]
    [InlineData("retention: 14", "test.yaml:2:3: forecast.retention: unknown key")]
    public void Parse_BadForecastSection_Reported(string line, string message)
    {
        var problems = LoadYaml.Problems($"forecast:\n  {line}\n" + Pool(""));

        Assert.Equal([message], problems);
    }

    [Fact]
    public void Parse_SeveralBadKeys_AllReported()
    {
        var problems = LoadYaml.Problems($"forecast:\n  minute-retention-days: 0\n" + Pool("    capacity: 0\n    scale-ahead:\n      threshold: 0%"));

        Assert.Equal(3, problems.Count);
    }
}
