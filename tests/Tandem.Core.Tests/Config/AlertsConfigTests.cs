using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

public sealed class AlertsConfigTests
{
    [Fact]
    public void Parse_FullSection_BindsEveryKey()
    {
        var config = LoadYaml.Valid(TestYaml.OneServer + "alerts:\n" + """
              webhook: [http://127.0.0.1:9093/hook, https://alerts.example/x]
              evaluate-every: 500ms
              node: edge-1
              rules:
                - name: SlowApp
                  level: warning
                  condition: p99 > 250ms
                  for: 1m
                  keep-firing-for: 10s
                  window: 30s
                  pool: app
                  summary: app is slow
                - name: Down
                  level: critical
                  condition: server-down
                  for: 0
                  server: a
            """);

        var alerts = config.Alerts!;
        Assert.Equal([new Uri("http://127.0.0.1:9093/hook"), new Uri("https://alerts.example/x")], alerts.Webhooks);
        Assert.Equal(TimeSpan.FromMilliseconds(500), alerts.EvaluateEvery);
        Assert.Equal("edge-1", alerts.Node);
        var slow = alerts.Rules![0];
        Assert.Equal(("SlowApp", AlertLevel.Warning, AlertConditionKind.P99, ">", 0.25), (slow.Name, slow.Level, slow.Condition.Kind, slow.Condition.Operator, slow.Condition.Threshold));
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), "app", "app is slow"),
            (slow.For, slow.KeepFiringFor, slow.Window!.Value, slow.Pool, slow.Summary));
        Assert.Equal((AlertConditionKind.ServerDown, TimeSpan.Zero, "a"), (alerts.Rules[1].Condition.Kind, alerts.Rules[1].For, alerts.Rules[1].Server));
    }

    [Fact]
    public void Parse_OneWebhookNoRules_DefaultRulesLater()
    {
        var config = LoadYaml.Valid(TestYaml.OneServer + "alerts:\n" + "  webhook: http://127.0.0.1:9093/hook\n");

        Assert.Single(config.Alerts!.Webhooks);
        Assert.Null(config.Alerts.Rules);
    }

    [Theory]
    [InlineData("node-cpu > 70", AlertConditionKind.NodeCpu, 70)]
    [InlineData("server-cpu >= 80%", AlertConditionKind.ServerCpu, 80)]
    [InlineData("error-rate > 5%", AlertConditionKind.ErrorRate, 5)]
    [InlineData("queue > 100", AlertConditionKind.Queue, 100)]
    [InlineData("rate > 1500.5", AlertConditionKind.Rate, 1500.5)]
    [InlineData("p50 < 2s", AlertConditionKind.P50, 2)]
    [InlineData("node-memory > 512MB", AlertConditionKind.NodeMemory, 512 * 1024 * 1024)]
    [InlineData("predicted-overload", AlertConditionKind.PredictedOverload, 0)]
    [InlineData("primary-down", AlertConditionKind.PrimaryDown, 0)]
    public void TryParse_GoodCondition_Parsed(string text, AlertConditionKind kind, double threshold)
    {
        Assert.True(AlertCondition.TryParse(text, out var condition, out var error), error);
        Assert.Equal((kind, threshold), (condition!.Kind, condition.Threshold));
    }

    [Fact]
    public void Parse_BadRules_ReportsEveryProblemWithLineAndKey()
    {
        var problems = LoadYaml.Problems(TestYaml.OneServer + "alerts:\n" + """
              webhook: ftp://x/y
              evaluate-every: 10m
              rules:
                - name: A
                  level: fatal
                  condition: cpu > 70
                - name: A
                  level: warning
                  condition: p99 > fast
                  for: soon
                - name: B
                  level: critical
                  condition: error-rate > 5
                  pool: nope
                - name: C
                  level: critical
                  condition: node-cpu
                  server: a
                  window: 5m
            """);

        Assert.Equal(
        [
            "test.yaml:10:12: alerts.webhook: bad webhook URL 'ftp://x/y'; expected http:// or https:// and a host",
            "test.yaml:11:19: alerts.evaluate-every: must be 100ms..1m",
            "test.yaml:14:14: alerts.rules[0].level: unknown level 'fatal'; expected warning, critical or disaster",
            "test.yaml:15:18: alerts.rules[0].condition: unknown condition 'cpu > 70'; " + AlertCondition.Expected,
            "test.yaml:16:13: alerts.rules[1].name: duplicate rule name 'A'",
            "test.yaml:18:18: alerts.rules[1].condition: bad latency 'fast'; write a duration such as 250ms or 1.5s",
            "test.yaml:19:12: alerts.rules[1].for: bad duration 'soon'; write e.g. 250ms, 2s, 5m, 1h (0 to 1d)",
            "test.yaml:22:18: alerts.rules[2].condition: bad error rate '5'; write a percent such as 5%",
            "test.yaml:23:13: alerts.rules[2].pool: unknown pool 'nope'",
            "test.yaml:26:18: alerts.rules[3].condition: 'node-cpu' needs a comparison, e.g. 'node-cpu > 80'",
            "test.yaml:28:15: alerts.rules[3].window: must be at most 2m (the live statistics keep two minutes)",
        ], problems);
    }

    [Fact]
    public void Parse_ServerFilterOnNodeCondition_Refused()
    {
        var problems = LoadYaml.Problems(TestYaml.OneServer + "alerts:\n" + """
              rules:
                - name: Cpu
                  level: warning
                  condition: node-cpu > 70
                  server: a
            """);

        Assert.Equal(["test.yaml:14:15: alerts.rules[0].server: does not apply to condition 'node-cpu > 70'"], problems);
    }

    [Fact]
    public void Defaults_ThreeLevelsOfTheDesignDocument()
    {
        Assert.Collection(AlertDefaults.Rules,
            r => Assert.Equal((AlertLevel.Warning, AlertConditionKind.NodeCpu, 70d, TimeSpan.FromMinutes(5)), (r.Level, r.Condition.Kind, r.Condition.Threshold, r.For)),
            r => Assert.Equal((AlertLevel.Critical, AlertConditionKind.ServerDown, TimeSpan.FromSeconds(30)), (r.Level, r.Condition.Kind, r.For)),
            r => Assert.Equal((AlertLevel.Disaster, AlertConditionKind.PrimaryDown, TimeSpan.Zero), (r.Level, r.Condition.Kind, r.For)),
            r => Assert.Equal((AlertLevel.Warning, AlertConditionKind.CertificateExpiry, "<", 14d * 86_400), (r.Level, r.Condition.Kind, r.Condition.Operator, r.Condition.Threshold)));
    }

    [Theory]
    [InlineData("certificate-expiry < 14d", 14 * 86_400)]
    [InlineData("certificate-expiry < 72h", 72 * 3_600)]
    public void Parse_CertificateExpiry_DaysOrDurationInSeconds(string text, double seconds)
    {
        Assert.True(AlertCondition.TryParse(text, out var condition, out var error), error);
        Assert.Equal((AlertConditionKind.CertificateExpiry, seconds), (condition!.Kind, condition.Threshold));
    }

    [Fact]
    public void Parse_CertificateExpiryNotADuration_NamesTheValue()
    {
        Assert.False(AlertCondition.TryParse("certificate-expiry < soon", out _, out var error));
        Assert.Equal("bad time to expiry 'soon'; write a duration such as 14d or 336h", error);
    }
}
