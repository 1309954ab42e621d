using Tandem.Pair.Vip;

namespace Tandem.Pair.Tests.Vip;

public sealed class KeepalivedSupervisorTests
{
    [Fact]
    public void FindBinary_ConfiguredPathMissing_NamesPathAndPackage()
    {
        var ex = Assert.Throws<VipStartException>(() => KeepalivedSupervisor.FindBinary("/nonexistent/keepalived"));

        Assert.Equal("pair.keepalived: /nonexistent/keepalived does not exist (install keepalived: apt-get install keepalived)", ex.Message);
    }
}

public sealed class VipServiceTests
{
    [Fact]
    public async Task StartAsync_KeepalivedMissing_VipStartExceptionAndNoRuntimeDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tandem-vip-missing-" + Guid.NewGuid().ToString("N"));
        var pair = new Tandem.Core.Config.PairConfig
        {
            Node = "a",
            Bind = new Tandem.Core.Config.HostPort("10.99.0.11", 7946),
            Peer = new Tandem.Core.Config.HostPort("10.99.0.12", 7946),
            SecretFile = "/nonexistent/secret",
            RuntimeDir = dir,
            Keepalived = "/nonexistent/keepalived",
            Vip = new Tandem.Core.Config.VipConfig { Address = new(System.Net.IPAddress.Parse("10.99.0.100"), 24), Interface = "eth0", Priority = 150 },
        };
        await using var service = new VipService(pair, () => true, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

        var ex = await Assert.ThrowsAsync<VipStartException>(service.StartAsync);

        Assert.Contains("apt-get install keepalived", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}
