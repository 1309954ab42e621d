using System.Net;
using System.Text;
using Tandem.Core.Config;
using Tandem.Proxy.Streams.ProxyProtocol;

namespace Tandem.Proxy.Tests.Streams;

public sealed class ProxyHeaderTests
{
    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n", "192.0.2.7:56324")]
    [InlineData("PROXY TCP6 2001:db8::7 2001:db8::1 4000 443\r\n", "[2001:db8::7]:4000")]
    public void Parse_ValidV1_ReturnsTheClient(string header, string client)
    {
        var data = Encoding.ASCII.GetBytes(header + "payload");

        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(data, out var consumed, out var source));
        Assert.Equal(header.Length, consumed);
        Assert.Equal(IPEndPoint.Parse(client), source);
    }

    [Fact]
    public void Parse_V1Unknown_CompleteWithoutClient()
    {
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse("PROXY UNKNOWN\r\n"u8, out var consumed, out var source));
        Assert.Equal(15, consumed);
        Assert.Null(source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n")]
    [InlineData("PROXY TCP4 2001:db8::7 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7  198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 65536 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 198.51.100.1 01 2\r\n")]
    [InlineData("PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n")]
    [InlineData("PROXX TCP4 192.0.2.7 198.51.100.1 1 2\r\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    public void Parse_MalformedV1_Invalid(string header) =>
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(header), out _, out _));

    [Fact]
    public void Parse_V1WithoutLineEndWithin107Bytes_Invalid()
    {
        var data = Encoding.ASCII.GetBytes("PROXY TCP4 " + new string('1', 120));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(data, out _, out _));
        Assert.Equal(ProxyHeaderStatus.NeedMore, ProxyHeaderParser.Parse(data.AsSpan(0, 40), out _, out _));
    }

    [Theory]
    [InlineData("192.0.2.7:56324", "198.51.100.1:443")]
    [InlineData("[2001:db8::7]:4000", "[2001:db8::1]:443")]
    [InlineData("192.0.2.7:56324", "[2001:db8::1]:443")]
    public void WriteThenParse_V2_RoundTripsTheClient(string client, string local)
    {
        var buffer = new byte[ProxyHeaderWriter.MaxLength];
        var length = ProxyHeaderWriter.Write(ProxyProtocolVersion.V2, IPEndPoint.Parse(client), IPEndPoint.Parse(local), buffer);

        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(buffer.AsSpan(0, length), out var consumed, out var source));
        Assert.Equal(length, consumed);
        var expected = IPEndPoint.Parse(client);
        Assert.Equal(expected.Port, source!.Port);
        Assert.Equal(expected.Address.MapToIPv6(), source.Address.MapToIPv6());
        for (var prefix = 0; prefix < length; prefix++)
        {
            Assert.Equal(ProxyHeaderStatus.NeedMore, ProxyHeaderParser.Parse(buffer.AsSpan(0, prefix), out _, out _));
        }
    }

    [Fact]
    public void WriteThenParse_V1_RoundTripsTheClient()
    {
        var buffer = new byte[ProxyHeaderWriter.MaxLength];
        var length = ProxyHeaderWriter.Write(ProxyProtocolVersion.V1, IPEndPoint.Parse("10.1.2.3:5555"), IPEndPoint.Parse("10.0.0.1:80"), buffer);

        Assert.Equal("PROXY TCP4 10.1.2.3 10.0.0.1 5555 80\r\n", Encoding.ASCII.GetString(buffer, 0, length));
        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(buffer.AsSpan(0, length), out _, out var source));
        Assert.Equal(IPEndPoint.Parse("10.1.2.3:5555"), source);
    }

    [Fact]
    public void Parse_MalformedV2_Invalid()
    {
        var buffer = new byte[ProxyHeaderWriter.MaxLength];
        var length = ProxyHeaderWriter.Write(ProxyProtocolVersion.V2, IPEndPoint.Parse("10.1.2.3:5555"), IPEndPoint.Parse("10.0.0.1:80"), buffer);
        var badVersion = buffer[..length];
        badVersion[12] = 0x31;
        var badCommand = buffer[..length];
        badCommand[12] = 0x2F;
        var unixFamily = buffer[..length];
        unixFamily[13] = 0x31;
        var shortBlock = buffer[..length];
        shortBlock[15] = 4; // an IPv4 block needs 12 bytes
        var badSignature = buffer[..length];
        badSignature[5] = 0x0E;

        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(badVersion, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(badCommand, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(unixFamily, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(shortBlock, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(badSignature, out _, out _));
    }

    [Fact]
    public void Parse_V2Local_CompleteWithoutClient()
    {
        var buffer = new byte[ProxyHeaderWriter.MaxLength];
        var length = ProxyHeaderWriter.Write(ProxyProtocolVersion.V2, null, null, buffer);

        Assert.Equal(ProxyHeaderStatus.Complete, ProxyHeaderParser.Parse(buffer.AsSpan(0, length), out var consumed, out var source));
        Assert.Equal(16, consumed);
        Assert.Null(source);
    }
}
