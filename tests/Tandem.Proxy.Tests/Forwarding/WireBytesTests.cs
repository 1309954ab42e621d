using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

/// <summary>
/// Exact bytes in from a client, exact bytes out to the server (a raw capture server): what issue 14 found, each input
/// written as sent. Every byte that reaches a server is well-formed, and nothing is silently changed or dropped.
/// </summary>
public sealed class WireBytesTests
{
    private static async Task<(string Response, IReadOnlyList<string> Heads, ProxyHarness Proxy, CaptureServer Server)> ExchangeAsync(
        string request, Func<ListenerConfig, ListenerConfig>? listener = null)
    {
        var server = new CaptureServer("c");
        var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [server.ServerConfig()], p => p, listener));
        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(request));
        return (response, server.HeadTexts, proxy, server);
    }

    private static async Task DisposeAsync(ProxyHarness proxy, CaptureServer server)
    {
        await proxy.DisposeAsync();
        await server.DisposeAsync();
    }

    [Theory]
    [InlineData("X-Name: Jos\u00c3\u00a9")] // UTF-8
    [InlineData("X-Name: Jos\u00e9")] // Latin-1
    [InlineData("Cookie: a=\u00ff\u0080; b=1")]
    [InlineData("User-Agent: caf\u00c3\u00a9/1.0")]
    public async Task Forward_NonAsciiHeaderBytes_ReachServerUnchanged(string header)
    {
        var (response, heads, proxy, server) = await ExchangeAsync($"GET / HTTP/1.1\r\nHost: x\r\n{header}\r\n\r\n");

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.Contains("\r\n" + header + "\r\n", Assert.Single(heads), StringComparison.Ordinal);
        Assert.Equal(0, proxy.Pools.Find("app")!.FindServer("c")!.Failures);
        await DisposeAsync(proxy, server);
    }

    [Fact]
    public async Task Forward_EmptyHost_400FromTandemNothingForwarded()
    {
        var (response, heads, proxy, server) = await ExchangeAsync("GET / HTTP/1.1\r\nHost:\r\n\r\n");

        Assert.Equal(400, RawHttp.StatusOf(response));
        Assert.Empty(heads);
        await DisposeAsync(proxy, server);
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n")]
    public async Task Forward_AnyRequest_ExactlyOneHostReachesServer(string request)
    {
        var (response, heads, proxy, server) = await ExchangeAsync(request);

        Assert.Equal(200, RawHttp.StatusOf(response));
        var lines = Assert.Single(heads).Split("\r\n");
        Assert.Single(lines, l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase));
        await DisposeAsync(proxy, server);
    }

    [Fact]
    public async Task Forward_OptionsAsterisk_ReachesServerInAsteriskForm()
    {
        var (response, heads, proxy, server) = await ExchangeAsync("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.StartsWith("OPTIONS * HTTP/1.1\r\nHost: x\r\n", Assert.Single(heads), StringComparison.Ordinal);
        await DisposeAsync(proxy, server);
    }

    [Theory]
    [InlineData("OPTIONS / HTTP/1.1\r\n", "OPTIONS / HTTP/1.1\r\n")]
    [InlineData("OPTIONS /* HTTP/1.1\r\n", "OPTIONS /* HTTP/1.1\r\n")]
    [InlineData("OPTIONS /%20* HTTP/1.1\r\n", "OPTIONS /%20* HTTP/1.1\r\n")]
    public async Task Forward_OptionsWithAPath_KeepsThePath(string line, string expected)
    {
        var (_, heads, proxy, server) = await ExchangeAsync(line + "Host: x\r\n\r\n");

        Assert.StartsWith(expected, Assert.Single(heads), StringComparison.Ordinal);
        await DisposeAsync(proxy, server);
    }

    [Theory]
    [InlineData("+5")]
    [InlineData("-0")]
    [InlineData("0x5")]
    [InlineData("5 5")]
    public async Task Forward_ContentLengthNotDigits_400NothingForwarded(string length)
    {
        var (response, heads, proxy, server) = await ExchangeAsync($"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\nhello");

        Assert.Equal(400, RawHttp.StatusOf(response));
        Assert.Empty(heads);
        await DisposeAsync(proxy, server);
    }

    [Fact]
    public async Task Forward_ContentLengthDigits_SentOnAsGiven()
    {
        var (response, heads, proxy, server) = await ExchangeAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.Contains("\r\nContent-Length: 5\r\n", Assert.Single(heads), StringComparison.Ordinal);
        await DisposeAsync(proxy, server);
    }

    [Fact]
    public async Task Forward_Http1HeaderNameNotAToken_400NothingForwarded()
    {
        var (response, heads, proxy, server) = await ExchangeAsync("GET / HTTP/1.1\r\nHost: x\r\nX@Y: 1\r\n\r\n");

        Assert.Equal(400, RawHttp.StatusOf(response));
        Assert.Empty(heads);
        await DisposeAsync(proxy, server);
    }

    [Theory]
    [InlineData("x bad")]
    [InlineData("x:bad")]
    [InlineData("x\r\nbad")]
    [InlineData("x\nbad")]
    public async Task Forward_H2HeaderNameNotAToken_FailsInsteadOfDropping(string name)
    {
        await using var server = new CaptureServer("c");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, server.ServerConfig()));

        var outcome = await RawH2.GetAsync(proxy.BaseAddress, [(name, "v")]);
        var control = await RawH2.GetAsync(proxy.BaseAddress, [("x-good", "v")]);

        Assert.True(outcome.Failed);
        Assert.False(outcome.Answered);
        Assert.True(control.Answered);
        Assert.Contains("\r\nx-good: v\r\n", Assert.Single(server.HeadTexts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_H2Utf8HeaderValue_ReachesServerUnchanged()
    {
        await using var server = new CaptureServer("c");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, server.ServerConfig()));

        var outcome = await RawH2.GetAsync(proxy.BaseAddress, [("x-name", "Jos\u00c3\u00a9")]);

        Assert.True(outcome.Answered);
        Assert.Contains("\r\nx-name: Jos\u00c3\u00a9\r\n", Assert.Single(server.HeadTexts), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INVALID CONNECTION PREFACE\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n")]
    [InlineData("THIS IS NOT HTTP AT ALL, NOT EVEN CLOSE\r\n\r\n")]
    public async Task Listener_AutoBadPreface_GoAwayNotAnHttp11Answer(string bytes)
    {
        var (response, heads, proxy, server) = await ExchangeAsync(bytes);

        Assert.False(response.StartsWith("HTTP/1.1", StringComparison.Ordinal), response);
        // A frame: 3 bytes of length, then type 0x7 (GOAWAY).
        Assert.True(response.Length >= 9 && response[3] == '\u0007', "expected a GOAWAY frame");
        Assert.Empty(heads);
        await DisposeAsync(proxy, server);
    }

    [Fact]
    public async Task Listener_AutoRequestLineInPieces_ServedAsHttp11()
    {
        await using var server = new CaptureServer("c");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, server.ServerConfig()));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, proxy.BaseAddress.Port);

        await socket.SendAsync(RawHttp.Bytes("GET / HT"));
        await Task.Delay(200);
        await socket.SendAsync(RawHttp.Bytes("TP/1.1\r\nHost: x\r\n\r\n"));
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer);

        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.Latin1.GetString(buffer, 0, read), StringComparison.Ordinal);
    }
}
