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
