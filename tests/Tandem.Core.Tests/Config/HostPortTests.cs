using System.Net;
using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class HostPortTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData("[::1]:8080", "::1", 8080)]
    [InlineData("[::]:65535", "::", 65535)]
    [InlineData("app1.internal:80", "app1.internal", 80)]
    [InlineData("localhost:9001", "localhost", 9001)]
    [InlineData("my_host-2:443", "my_host-2", 443)]
    public void TryParse_Valid_HostAndPort(string text, string host, int port)
    {
        Assert.True(HostPort.TryParse(text, out var value, out var error));
        Assert.Null(error);
        Assert.Equal(new HostPort(host, port), value);
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData("", "expected host:port")]
    [InlineData("  ", "expected host:port")]
    [InlineData("127.0.0.1", "expected host:port")]
    [InlineData(":8080", "expected host:port")]
    [InlineData("http://127.0.0.1:8080", "expected host:port without a scheme")]
    [InlineData("[::1]", "expected [ipv6]:port")]
    [InlineData("[::1]8080", "expected [ipv6]:port")]
    [InlineData("[::1:8080", "expected [ipv6]:port")]
    [InlineData("[127.0.0.1]:8080", "not an IPv6 address inside [ ]")]
    [InlineData("[nope]:8080", "not an IPv6 address inside [ ]")]
    [InlineData("::1:8080", "IPv6 addresses must be written in brackets, e.g. [::1]:8080")]
    [InlineData("bad host:80", "host must be an IP address or a DNS name")]
    [InlineData("-app:80", "host must be an IP address or a DNS name")]
    [InlineData(".app:80", "host must be an IP address or a DNS name")]
    [InlineData("app:0", "port must be 1..65535")]
    [InlineData("app:65536", "port must be 1..65535")]
    [InlineData("app:70000", "port must be 1..65535")]
    [InlineData("app:", "port must be 1..65535")]
    [InlineData("app:+80", "port must be 1..65535")]
    [InlineData("app:-80", "port must be 1..65535")]
    [InlineData("app:http", "port must be 1..65535")]
    [InlineData("[::1]:0", "port must be 1..65535")]
    public void TryParse_Invalid_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(HostPort.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("1:8080")]
    [InlineData("0:8080")]
    [InlineData("127.1:8080")]
    [InlineData("10.0.1:8080")]
    [InlineData("010.0.0.1:8080")]
    [InlineData("0x7f.1:8080")]
    [InlineData("2130706433:8080")]
    [InlineData("256.1.1.1:8080")]
    [InlineData("1.2.3.4.5:8080")]
    public void TryParse_LegacyOrMalformedIpv4_Refused(string text)
    {
        // IPAddress.TryParse would read "10.0.1" as 10.0.0.1 and "010.0.0.1" as 8.0.0.1: a bind or connect to the wrong host.
        Assert.False(HostPort.TryParse(text, out _, out var error));
        Assert.Equal("IPv4 addresses must be written as four numbers 0..255, e.g. 10.0.0.1", error);
    }

    [Fact]
    public void Ip_Literal_ParsedAndDnsNameNull()
    {
        Assert.Equal(IPAddress.Loopback, new HostPort("127.0.0.1", 80).Ip);
        Assert.Equal(IPAddress.IPv6Loopback, new HostPort("::1", 80).Ip);
        Assert.Null(new HostPort("app1.internal", 80).Ip);
    }
}
