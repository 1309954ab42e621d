using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The <c>access-log</c> and <c>metrics</c> root keys (issue 6).</summary>
public sealed class ObservabilityConfigTests
{
    [Fact]
    public void Parse_AllAccessLogAndMetricsKeys_Bound()
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer + """
            access-log:
              enabled: true
              path: /var/log/tandem/access.log
              format: combined
              buffer: 4096
              max-size: 100MB
              max-files: 3
            metrics: { enabled: false, method-label: false }
            """, "t.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(new AccessLogConfig
        {
            Enabled = true,
            Path = "/var/log/tandem/access.log",
            Format = AccessLogFormat.Combined,
            Buffer = 4096,
            MaxSize = 100L * 1024 * 1024,
            MaxFiles = 3,
        }, result.Config!.AccessLog);
        Assert.Equal(new MetricsConfig { Enabled = false, MethodLabel = false }, result.Config.Metrics);
        Assert.False(result.Config.AccessLog!.ToStdout);
    }

    [Fact]
    public void Parse_NoSections_NoAccessLogAndDefaultMetrics()
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer, "t.yaml");

        Assert.Empty(result.Problems);
        Assert.Null(result.Config!.AccessLog);
        Assert.Null(result.Config.Metrics);
    }

    [Theory]
    [InlineData("access-log: {}", true)]
    [InlineData("access-log: { path: '-' }", true)]
    [InlineData("access-log: { path: a.log }", false)]
    public void Parse_AccessLogPath_StdoutWhenAbsentOrDash(string yaml, bool stdout)
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer + yaml, "t.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(stdout, result.Config!.AccessLog!.ToStdout);
    }

    [Theory]
    [InlineData("2048", 2048)]
    [InlineData("512KB", 512 * 1024)]
    [InlineData("10 MB", 10 * 1024 * 1024)]
    [InlineData("1G", 1024 * 1024 * 1024)]
    public void Parse_MaxSize_Units(string text, long bytes)
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer + "access-log: { max-size: " + text + " }", "t.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(bytes, result.Config!.AccessLog!.MaxSize);
    }

    [Fact]
    public void Parse_BadAccessLogAndMetricsValues_AllReported()
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer + """
            access-log:
              enabled: yes
              path: ""
              format: xml
              buffer: 2
              max-size: 10TB
              max-files: 0
              rotate: daily
            metrics: { enabled: 1, labels: none }
            """, "t.yaml");

        Assert.Equal(
            [
                "t.yaml:10:12: access-log.enabled: expected true or false, got 'yes'",
                "t.yaml:11:9: access-log.path: must name a file, or '-' for standard output",
                "t.yaml:12:11: access-log.format: unknown format 'xml'; expected json or combined",
                "t.yaml:13:11: access-log.buffer: must be 16..16777216, got 2",
                "t.yaml:14:13: access-log.max-size: bad size '10TB'; write e.g. 100MB, 512KB, 1GB or a number of bytes",
                "t.yaml:15:14: access-log.max-files: must be 1..1000, got 0",
                "t.yaml:16:3: access-log.rotate: unknown key",
                "t.yaml:17:21: metrics.enabled: expected true or false, got '1'",
                "t.yaml:17:24: metrics.labels: unknown key",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_MaxSizeBelow1KB_Refused()
    {
        var result = ConfigLoader.Parse(TestYaml.OneServer + "access-log: { max-size: 100 }", "t.yaml");

        Assert.Equal(["t.yaml:9:25: access-log.max-size: must be at least 1KB, got '100'"], result.Problems.Select(p => p.ToString()));
    }
}
