using Tandem.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Tandem.Tests.Commands;

public sealed class AlertsCommandTests
{
    [Fact]
    public async Task ExportRules_NoConfig_DefaultRulesAsPrometheusYaml()
    {
        using var run = await TandemProcess.RunToExitAsync("alerts", "export-rules");

        Assert.Equal(0, run.ExitCode);
        var stream = new YamlStream();
        stream.Load(new StringReader(run.Stdout));
        var group = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["groups"])[0];
        var rules = ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>().ToList();
        Assert.Equal(["NodeCpuHigh", "ServerDown", "PrimaryNodeDown", "CertificateExpiresSoon"], rules.Select(r => r["alert"].ToString()));
        Assert.Equal("disaster", ((YamlMappingNode)rules[2]["labels"])["severity"].ToString());
    }

    [Fact]
    public async Task ExportRules_ConfigWithRules_ThoseRules()
    {
        using var file = new TempConfigFile("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            alerts:
              rules:
                - name: Slow
                  level: warning
                  condition: p99 > 300ms
                  for: 2m
            """);

        using var run = await TandemProcess.RunToExitAsync("alerts", "export-rules", "--config", file.Path);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("alert: Slow", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("histogram_quantile(0.99, sum by (pool, le) (rate(tandem_request_duration_seconds_bucket[1m]))) > 0.3", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("for: 2m", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportRules_BadCondition_Exit2WithTheProblem()
    {
        using var file = new TempConfigFile("""
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                pool: app
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            alerts:
              rules:
                - name: Slow
                  level: warning
                  condition: p99 >> 300ms
            """);

        using var run = await TandemProcess.RunToExitAsync("alerts", "export-rules", "--config", file.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"{file.Path}:13:18: alerts.rules[0].condition: unknown operator '>>'; expected >, >=, < or <="], run.StderrLines);
    }
}
