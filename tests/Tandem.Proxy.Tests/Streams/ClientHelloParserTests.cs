using System.Security.Authentication;
using System.Text;
using Tandem.Proxy.Streams.Tls;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

public sealed class ClientHelloParserTests
{
    [Fact]
    public async Task Parse_RealClientHello_ReturnsTheServerNameInLowerCase()
    {
        var hello = await TlsTestServer.CaptureClientHelloAsync("API.Example.com");

        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.Parse(hello, out var name));
        Assert.Equal("api.example.com", name);
    }

    [Theory]
    [InlineData(new[] { "acme-tls/1" }, true)]
    [InlineData(new[] { "h2", "acme-tls/1" }, true)]
    [InlineData(new[] { "h2", "http/1.1" }, false)]
    [InlineData(new string[0], false)]
    public async Task ReadOffers_RealClientHello_AlpnOnlyWhenTheProtocolIsOffered(string[] alpn, bool expected)
    {
        var hello = await TlsTestServer.CaptureClientHelloAsync("a.test", alpn);

        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.ReadOffers(hello, "acme-tls/1"u8, out var offers));
        Assert.Equal(expected, (offers & ClientHelloOffers.AlpnProtocol) != 0);
        Assert.Equal(ClientHelloStatus.NeedMore, ClientHelloParser.ReadOffers(hello.AsSpan(0, hello.Length - 1), "acme-tls/1"u8, out _));
    }

    [Theory]
    [InlineData(SslProtocols.None, true)]
    [InlineData(SslProtocols.Tls13, true)]
    [InlineData(SslProtocols.Tls12, false)]
    public async Task ReadOffers_RealClientHello_Tls13OnlyWhenSupportedVersionsListsIt(SslProtocols protocols, bool expected)
    {
        var hello = await TlsTestServer.CaptureClientHelloAsync("a.test", protocols, "h2");

        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.ReadOffers(hello, "acme-tls/1"u8, out var offers));
        Assert.Equal(expected ? ClientHelloOffers.Tls13 : ClientHelloOffers.None, offers);
    }

    [Fact]
    public void ReadOffers_SupportedVersionsWithoutTls13_NotTls13()
    {
        // supported_versions (43) listing TLS 1.2 and 1.1 only, then a truncated one that must not read past its end.
        byte[] extensions = [0, 43, 0, 5, 4, 3, 3, 3, 2, 0, 43, 0, 2, 4, 3];

        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.ReadOffers(Hello(extensions), "acme-tls/1"u8, out var offers));
        Assert.Equal(ClientHelloOffers.None, offers);
    }

    [Fact]
    public async Task Parse_EveryShorterPrefix_NeedsMore()
    {
        var hello = await TlsTestServer.CaptureClientHelloAsync("a.example.com");

        for (var length = 0; length < hello.Length; length++)
        {
            Assert.Equal(ClientHelloStatus.NeedMore, ClientHelloParser.Parse(hello.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public async Task Parse_HandshakeSplitOverSmallRecords_ReturnsTheServerName()
    {
        var hello = await TlsTestServer.CaptureClientHelloAsync("b.example.com");
        var split = Rerecord(hello.AsSpan(5).ToArray(), 37);

        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.Parse(split, out var name));
        Assert.Equal("b.example.com", name);
        Assert.Equal(ClientHelloStatus.NeedMore, ClientHelloParser.Parse(split.AsSpan(0, split.Length - 1), out _));
    }

    [Fact]
    public void Parse_HelloWithoutExtensions_CompleteWithoutName()
    {
        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.Parse(Hello(extensions: null), out var name));
        Assert.Null(name);
    }

    [Fact]
    public void Parse_HelloWithSni_ReturnsIt()
    {
        Assert.Equal(ClientHelloStatus.Complete, ClientHelloParser.Parse(Hello(Sni("db.internal")), out var name));
        Assert.Equal("db.internal", name);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    public void Parse_NotTls_Invalid(string text) =>
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void Parse_MalformedInputs_AreInvalid()
    {
        var good = Hello(Sni("a.example.com"));
        var notHello = (byte[])good.Clone();
        notHello[5] = 2; // ServerHello
        var hugeRecord = (byte[])good.Clone();
        hugeRecord[3] = 0x48; // record length over 16 KB
        var hugeHandshake = (byte[])good.Clone();
        hugeHandshake[6] = 0x01; // handshake length over 64 KB
        var badVersion = (byte[])good.Clone();
        badVersion[1] = 2;

        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(notHello, out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(hugeRecord, out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(hugeHandshake, out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(badVersion, out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(Hello(Sni("bad name!")), out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(Hello([.. Sni("a.example.com"), .. Sni("b.example.com")]), out _));
        Assert.Equal(ClientHelloStatus.Invalid, ClientHelloParser.Parse(Hello([0, 0, 0, 9, 0, 7, 0, 0, 4, (byte)'a']), out _));
    }

    [Fact]
    public void Parse_RandomBytesAfterAValidHeader_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var body = new byte[random.Next(1, 600)];
            random.NextBytes(body);
            body[0] = 1;
            var data = Record(body);
            var status = ClientHelloParser.Parse(data, out var name);
            Assert.True(status != ClientHelloStatus.Complete || name is null || name.Length > 0);
        }
    }

    /// <summary>An SNI extension (type 0) holding one host_name.</summary>
    private static byte[] Sni(string host)
    {
        var name = Encoding.ASCII.GetBytes(host);
        var entry = new byte[] { 0, (byte)(name.Length >> 8), (byte)name.Length }.Concat(name).ToArray();
        var list = new byte[] { (byte)(entry.Length >> 8), (byte)entry.Length }.Concat(entry).ToArray();
        return new byte[] { 0, 0, (byte)(list.Length >> 8), (byte)list.Length }.Concat(list).ToArray();
    }

    /// <summary>A minimal TLS 1.2 ClientHello in one record, with the given extensions block (none when null).</summary>
    private static byte[] Hello(byte[]? extensions)
    {
        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]);
        body.Add(0); // session id
        body.AddRange(new byte[] { 0, 2, 0x13, 0x01 }); // one cipher suite
        body.AddRange(new byte[] { 1, 0 }); // null compression
        if (extensions is not null)
        {
            body.Add((byte)(extensions.Length >> 8));
            body.Add((byte)extensions.Length);
            body.AddRange(extensions);
        }
        var handshake = new List<byte> { 1, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count };
        handshake.AddRange(body);
        return Record([.. handshake]);
    }

    private static byte[] Record(byte[] payload) =>
        new byte[] { 22, 3, 1, (byte)(payload.Length >> 8), (byte)payload.Length }.Concat(payload).ToArray();

    /// <summary>The handshake bytes re-wrapped in records of at most <paramref name="size"/> bytes.</summary>
    private static byte[] Rerecord(byte[] handshake, int size)
    {
        var output = new List<byte>();
        for (var offset = 0; offset < handshake.Length; offset += size)
        {
            output.AddRange(Record(handshake.AsSpan(offset, Math.Min(size, handshake.Length - offset)).ToArray()));
        }
        return [.. output];
    }
}
