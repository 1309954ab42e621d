using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// Headers through the lean HTTP/1.1 path end to end: what a raw server behind a real Tandem listener sees of the
/// client's headers, and what the client sees of the server's, field line by field line.
/// </summary>
public sealed class Http11ForwarderHeaderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Fact]
    public async Task Forward_RequestHeaders_CookiesJoinedHopByHopDroppedForwardingAddedHostKept()
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(
            "GET /page?q=1 HTTP/1.1\r\nHost: shop.example\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
            + "Proxy-Connection: keep-alive\r\nTE: gzip\r\nX-Plain: yes\r\n\r\n"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        var head = Assert.Single(server.Requests).Head;
        var lines = head.Split("\r\n");
        Assert.Equal("GET /page?q=1 HTTP/1.1", lines[0]);
        Assert.Equal(["Cookie: a=1; b=2"], lines.Where(l => l.StartsWith("Cookie:", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(["Host: shop.example"], lines.Where(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("X-Plain: yes", lines);
        Assert.Contains("X-Forwarded-For: 127.0.0.1", lines);
        Assert.Contains("X-Forwarded-Proto: http", lines);
        Assert.Contains("X-Forwarded-Host: shop.example", lines);
        foreach (var hop in new[] { "Connection:", "Keep-Alive:", "Proxy-Connection:", "TE:" })
        {
            Assert.DoesNotContain(lines, l => l.StartsWith(hop, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Forward_TeTrailers_Forwarded()
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n"), Bound);

        Assert.Contains("TE: trailers", Assert.Single(server.Requests).Head.Split("\r\n"));
    }

    /// <summary>
    /// Kestrel keeps <c>%2F</c> encoded in the path, and the lean path sends the path as received (so does the YARP
    /// route since <see cref="Tandem.Proxy.Forwarding.UpstreamPath"/>; YARP's own copy would send <c>%252F</c>).
    /// </summary>
    [Fact]
    public async Task Forward_PercentEncodedPath_SentAsReceived()
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET /a%2Fb/c%20d?x=%2F%20 HTTP/1.1\r\nHost: x\r\n\r\n"), Bound);

        Assert.StartsWith("GET /a%2Fb/c%20d?x=%2F%20 HTTP/1.1\r\n", Assert.Single(server.Requests).Head, StringComparison.Ordinal);
    }

    /// <summary>
    /// Kestrel decodes <c>%25</c> to <c>%</c>, so its path cannot tell a literal <c>%2F</c> (sent <c>%252F</c>) from an
    /// encoded slash: the target's own segments go on, with dot segments removed as Kestrel removed them.
    /// </summary>
    [Theory]
    [InlineData("/x%252F..%252Fadmin/%25/%41%2f", "/x%252F..%252Fadmin/%25/%41%2f")]
    [InlineData("/a/b/../%252F/./c", "/a/%252F/c")]
    [InlineData("/a/%2e%2E/%252f/.", "/%252f/")]
    [InlineData("/100%25/done?q=%25", "/100%25/done?q=%25")]
    public async Task Forward_PercentTwentyFiveInPath_LiteralPercentStaysLiteral(string target, string expected)
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"), Bound);

        Assert.StartsWith($"GET {expected} HTTP/1.1\r\n", Assert.Single(server.Requests).Head, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 Fine Thanks\r\n", "HTTP/1.1 200 Fine Thanks\r\n")]
    [InlineData("HTTP/1.1 404 Not Found\r\n", "HTTP/1.1 404 Not Found\r\n")]
    [InlineData("HTTP/1.1 404 \r\n", "HTTP/1.1 404 Not Found\r\n")]
    public async Task Forward_ReasonPhrase_PassedToTheClient(string statusLine, string expected)
    {
        await using var server = new ScriptedServer(statusLine + "Content-Length: 2\r\n\r\nok");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Bound);

        Assert.StartsWith(expected, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_InterimResponsesBeforeTheFinalOne_ClientGetsOnlyTheFinalAndConnectionIsReused()
    {
        await using var server = new ScriptedServer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\nok");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var (first, _) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Bound);
        var (second, _) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Bound);

        foreach (var response in new[] { first, second })
        {
            Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
            Assert.Contains("X-Final: yes", RawClient.FieldsOf(response));
            Assert.DoesNotContain(RawClient.FieldsOf(response), l => l.StartsWith("Link:", StringComparison.OrdinalIgnoreCase));
            Assert.Equal("ok", RawClient.BodyOf(response));
        }
        Assert.Equal(1, server.Connections);
    }

    /// <summary>An Upgrade header without <c>Connection: upgrade</c> asks for nothing; the request (which YARP carries) goes on without it.</summary>
    [Fact]
    public async Task Forward_UpgradeHeaderWithoutConnectionUpgrade_NotForwardedAndAnswered()
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(
            "GET / HTTP/1.1\r\nHost: shop.example\r\nUpgrade: h2c\r\nX-Plain: yes\r\n\r\n"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.Equal("ok", RawClient.BodyOf(response));
        var lines = Assert.Single(server.Requests).Head.Split("\r\n");
        Assert.Contains("X-Plain: yes", lines);
        Assert.Contains("Host: shop.example", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Forward_ResponseHeaders_SetCookiesSeparateHopByHopDropped()
    {
        await using var server = new ScriptedServer("HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; HttpOnly\r\n"
            + "Keep-Alive: timeout=5, max=100\r\nConnection: keep-alive\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Plain: yes\r\n"
            + "Content-Length: 2\r\n\r\nok");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        // No Connection: close from the client, so any Connection field the client gets would be the server's.
        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.Equal("ok", RawClient.BodyOf(response));
        var fields = RawClient.FieldsOf(response);
        Assert.Equal(["Set-Cookie: a=1; Path=/", "Set-Cookie: b=2; HttpOnly"], fields.Where(l => l.StartsWith("Set-Cookie:", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("X-Plain: yes", fields);
        foreach (var hop in new[] { "Connection:", "Keep-Alive:", "Proxy-Connection:", "Upgrade:" })
        {
            Assert.DoesNotContain(fields, l => l.StartsWith(hop, StringComparison.OrdinalIgnoreCase));
        }
    }
}
