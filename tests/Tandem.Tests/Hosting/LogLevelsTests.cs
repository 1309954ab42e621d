using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Hosting;
using Tandem.Testing;

namespace Tandem.Tests.Hosting;

public sealed class LogLevelsTests
{
    private static LogLevels Levels(Dictionary<string, string?>? environment = null, LoggingConfig? config = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment ?? []).Build();
        var levels = new LogLevels(configuration, LogLevel.Information);
        levels.Apply(config);
        return levels;
    }

    [Fact]
    public void IsEnabled_Defaults_InfoForTandemWarningForFrameworkNothingFromYarpForwarder()
    {
        var levels = Levels();

        Assert.True(levels.IsEnabled("Tandem.Proxy.ProxyRuntime", LogLevel.Information));
        Assert.False(levels.IsEnabled("Tandem.Proxy.ProxyRuntime", LogLevel.Debug));
        Assert.False(levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information));
        Assert.True(levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning));
        Assert.False(levels.IsEnabled("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Critical));
        Assert.False(levels.IsEnabled("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Error));
    }

    [Fact]
    public void IsEnabled_ConfigLevels_LongestPrefixWins()
    {
        var levels = Levels(config: new LoggingConfig
        {
            Level = LogSeverity.Warning,
            Levels = new Dictionary<string, LogSeverity> { ["Tandem.Proxy"] = LogSeverity.Debug, ["Tandem.Proxy.Health"] = LogSeverity.Error },
        });

        Assert.False(levels.IsEnabled("Tandem.Hosting.TandemNode", LogLevel.Information));
        Assert.True(levels.IsEnabled("Tandem.Proxy.Forwarding.RequestForwarder", LogLevel.Debug));
        Assert.False(levels.IsEnabled("Tandem.Proxy.Health", LogLevel.Warning));
    }

    [Fact]
    public void IsEnabled_EnvironmentVariables_OverrideTheFileAndTheDefaults()
    {
        var levels = Levels(
            new Dictionary<string, string?> { ["Logging:LogLevel:Yarp"] = "Error", ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Tandem.Proxy"] = "Warning" },
            new LoggingConfig { Level = LogSeverity.Info, Levels = new Dictionary<string, LogSeverity> { ["Tandem.Proxy"] = LogSeverity.Trace } });

        // The more specific default (the forwarder: none) still beats a shorter prefix, as in .NET's own rules.
        Assert.False(levels.IsEnabled("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Error));
        Assert.True(levels.IsEnabled("Yarp.ReverseProxy.Health", LogLevel.Error));
        Assert.False(levels.IsEnabled("Yarp.ReverseProxy.Health", LogLevel.Warning));
        Assert.True(levels.IsEnabled("Tandem.Hosting.TandemNode", LogLevel.Debug));
        Assert.False(levels.IsEnabled("Tandem.Proxy.ProxyRuntime", LogLevel.Information));
    }

    [Fact]
    public void Apply_Reload_ChangesLevelsInPlace()
    {
        var levels = Levels();
        Assert.False(levels.IsEnabled("Tandem.Proxy.ProxyRuntime", LogLevel.Debug));

        levels.Apply(new LoggingConfig { Level = LogSeverity.Debug });

        Assert.True(levels.IsEnabled("Tandem.Proxy.ProxyRuntime", LogLevel.Debug));
    }

    [Fact]
    public void IsEnabled_CategoryAskedBefore_AllocatesNothing()
    {
        var levels = Levels();
        levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Debug);

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                levels.IsEnabled("Microsoft.AspNetCore.Server.Kestrel.Connections", LogLevel.Debug);
            }
        });

        Assert.Equal(0, allocated);
    }
}
