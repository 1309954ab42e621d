using System.Diagnostics;
using Tandem.Core.Config;
using Tandem.Core.Files;

namespace Tandem.Core.Tests.Config;

/// <summary>The listener keys of issue 14 (<c>max-body</c>, <c>non-ascii-headers</c>) and the bounded config read.</summary>
public sealed class HardeningConfigTests
{
    private static string Listener(string extra) => $"""
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        {extra}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
        """;

    [Fact]
    public void Parse_MaxBodyAndNonAsciiHeaders_Loaded()
    {
        var listener = Assert.Single(LoadYaml.Valid(Listener("    max-body: 10MB\n    non-ascii-headers: reject")).Listeners);

        Assert.Equal(10L << 20, listener.MaxBody);
        Assert.Equal(NonAsciiHeaders.Reject, listener.NonAsciiHeaders);
    }

    [Fact]
    public void Parse_Defaults_NullMaxBodyAndPass()
    {
        var listener = Assert.Single(LoadYaml.Valid(Listener("")).Listeners);

        Assert.Null(listener.MaxBody);
        Assert.Equal(NonAsciiHeaders.Pass, listener.NonAsciiHeaders);
        Assert.Equal(1L << 30, ConfigDefaults.MaxBody);
    }

    [Fact]
    public void Parse_MaxBodyUnlimited_MaxValue()
    {
        Assert.Equal(long.MaxValue, Assert.Single(LoadYaml.Valid(Listener("    max-body: unlimited")).Listeners).MaxBody);
    }

    [Theory]
    [InlineData("max-body: lots", "test.yaml:5:15: listeners[0].max-body: bad size 'lots'; write e.g. 100MB, 512KB, 1GB or a number of bytes")]
    [InlineData("max-body: 10", "test.yaml:5:15: listeners[0].max-body: must be at least 1KB, got '10'")]
    [InlineData("non-ascii-headers: drop", "test.yaml:5:24: listeners[0].non-ascii-headers: unknown value 'drop'; expected pass or reject")]
    public void Parse_BadValues_ExactMessages(string line, string expected)
    {
        Assert.Equal([expected], LoadYaml.Problems(Listener("    " + line)));
    }

    private const string Pools = """
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
    public void Parse_Logging_Loaded()
    {
        var logging = LoadYaml.Valid(Pools + "logging: {level: warning, format: json, levels: {Tandem.Proxy: debug, Microsoft: error}}").Logging!;

        Assert.Equal(LogSeverity.Warning, logging.Level);
        Assert.Equal(LogFormat.Json, logging.Format);
        Assert.Equal(LogSeverity.Debug, logging.Levels["Tandem.Proxy"]);
        Assert.Equal(LogSeverity.Error, logging.Levels["Microsoft"]);
    }

    [Fact]
    public void Parse_LoggingBadValues_EveryProblemWithItsPath()
    {
        Assert.Equal(
        [
            "test.yaml:9:18: logging.level: unknown level 'loud'; expected trace, debug, info, warning, error, critical or none",
            "test.yaml:9:32: logging.format: unknown format 'xml'; expected text or json",
            "test.yaml:9:60: logging.levels.Tandem.Proxy: unknown level 'verbose'; expected trace, debug, info, warning, error, critical or none",
            "test.yaml:9:70: logging.colour: unknown key",
        ], LoadYaml.Problems(Pools + "logging: {level: loud, format: xml, levels: {Tandem.Proxy: verbose}, colour: red}"));
    }

    [Fact]
    public void Parse_LoggingLevelsNotAMapping_Message()
    {
        Assert.Equal(["test.yaml:9:19: logging.levels: expected a mapping of category to level, e.g. {Tandem.Proxy: debug}"],
            LoadYaml.Problems(Pools + "logging: {levels: debug}"));
    }

    [Fact]
    public void Load_DevZero_FailsAtOnceWithTheLimit()
    {
        var clock = Stopwatch.StartNew();

        var result = ConfigLoader.Load("/dev/zero");

        Assert.False(result.IsValid);
        Assert.Equal("/dev/zero:1:1: cannot read config: larger than 16 MB, the most a config file may be", Assert.Single(result.Problems).ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "read far past the limit");
    }

    [Fact]
    public void Load_FileJustOverTheLimit_Refused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[ConfigDefaults.MaxConfigFileSize + 1]);
            Assert.Contains("larger than 16 MB", Assert.Single(ConfigLoader.Load(path).Problems).ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadAllBytes_AtTheLimit_Read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[1024]);
            Assert.Equal(1024, BoundedFile.ReadAllBytes(path, 1024, "a test file").Length);
            var tooLarge = Assert.Throws<FileTooLargeException>(() => BoundedFile.ReadAllBytes(path, 1023, "a test file"));
            Assert.Equal($"{path} is larger than 1023 bytes, the most Tandem reads for a test file", tooLarge.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
