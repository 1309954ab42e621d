using Tandem.Core.Config;
using Tandem.Observability.Alerts;
using YamlDotNet.RepresentationModel;

namespace Tandem.Observability.Tests.Alerts;

public sealed class PrometheusRulesTests
{
    private static YamlMappingNode RuleNamed(string yaml, string name)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var groups = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["groups"];
        var rules = (YamlSequenceNode)((YamlMappingNode)groups[0])["rules"];
        return rules.Cast<YamlMappingNode>().Single(r => r["alert"].ToString() == name);
    }

    [Fact]
    public void Export_DefaultRules_ParsesBackWithExprForAndSeverity()
    {
        var yaml = PrometheusRules.Export(AlertDefaults.Rules);

        var cpu = RuleNamed(yaml, "NodeCpuHigh");
        Assert.Equal("tandem_node_cpu_percent{scope=\"system\"} > 70", cpu["expr"].ToString());
        Assert.Equal("5m", cpu["for"].ToString());
        Assert.Equal("warning", ((YamlMappingNode)cpu["labels"])["severity"].ToString());
        var down = RuleNamed(yaml, "ServerDown");
        Assert.Equal("tandem_server_up{state=\"down\"} == 1", down["expr"].ToString());
        Assert.Equal("30s", down["for"].ToString());
        Assert.Equal("critical", ((YamlMappingNode)down["labels"])["severity"].ToString());
        Assert.Contains("tandem_pair_peer_up == 0", RuleNamed(yaml, "PrimaryNodeDown")["expr"].ToString(), StringComparison.Ordinal);
        Assert.Equal("tandem_tls_certificate_expiry_seconds < 1209600", RuleNamed(yaml, "CertificateExpiresSoon")["expr"].ToString());
    }

    [Fact]
    public void Export_LatencyRuleWithPool_HistogramQuantileOverTheWindow()
    {
        Assert.True(AlertCondition.TryParse("p99 > 250ms", out var condition, out _));
        var rule = new AlertRuleConfig { Name = "Slow", Level = AlertLevel.Critical, Condition = condition!, For = TimeSpan.FromSeconds(90), Pool = "app", Window = TimeSpan.FromSeconds(30) };

        var slow = RuleNamed(PrometheusRules.Export([rule]), "Slow");

        Assert.Equal("histogram_quantile(0.99, sum by (pool, le) (rate(tandem_request_duration_seconds_bucket{pool=\"app\"}[30s]))) > 0.25", slow["expr"].ToString());
        Assert.Equal("1m30s", slow["for"].ToString());
    }

    [Theory]
    [InlineData("error-rate > 5%", "sum by (pool) (rate(tandem_requests_total{code=\"5xx\"}[1m])) / sum by (pool) (rate(tandem_requests_total[1m])) * 100 > 5")]
    [InlineData("queue > 100", "tandem_pool_queued_requests > 100")]
    [InlineData("server-cpu > 80", "tandem_server_agent_load_percent > 80")]
    [InlineData("rate > 500", "sum by (pool) (rate(tandem_requests_total[1m])) > 500")]
    [InlineData("pool-down", "sum by (pool) (tandem_server_up{state=\"up\"}) == 0")]
    public void Expression_Condition_PromQL(string text, string expr)
    {
        Assert.True(AlertCondition.TryParse(text, out var condition, out _));

        Assert.Equal(expr, PrometheusRules.Expression(new AlertRuleConfig { Name = "R", Level = AlertLevel.Warning, Condition = condition! }));
    }
}
