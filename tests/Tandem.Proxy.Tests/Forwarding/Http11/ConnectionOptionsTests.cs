using Microsoft.Extensions.Primitives;
using Tandem.Proxy.Forwarding;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// RFC 9110 section 7.6.1: the fields a Connection field names are hop-by-hop, removed before forwarding, in both
/// directions and on both paths: the lean HTTP/1.1 path and YARP's forwarder (the <c>/yarp</c> route of
/// <see cref="Http11LeanVsYarpTests.StartAsync"/>). Host and framing are never removed that way.
/// </summary>
public sealed class ConnectionOptionsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /// <remarks>
    /// No <c>keep-alive</c> beside the names: Kestrel would replace the whole field with it before Tandem sees the request
    /// (see <see cref="ConnectionOptions"/>).
    /// </remarks>
    [Theory]
    [InlineData("")]
    [InlineData("/yarp")]
    public async Task Forward_RequestConnectionNamesFields_ThoseFieldsDoNotReachTheServer(string prefix)
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await Http11LeanVsYarpTests.StartAsync(server);

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(
            $"POST {prefix}/form HTTP/1.1\r\nHost: shop.example\r\nConnection: X-Hop\r\nConnection: x-other, Host, Content-Length\r\n"
            + "X-Hop: 1\r\nX-Other: 2\r\nX-Keep: 3\r\nContent-Length: 5\r\n\r\nhello"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        var request = Assert.Single(server.Requests);
        var lines = request.Head.Split("\r\n");
        Assert.Contains("X-Keep: 3", lines);
        Assert.Contains("Host: shop.example", lines);
        Assert.Equal("hello", System.Text.Encoding.Latin1.GetString(request.Body));
        foreach (var hop in new[] { "X-Hop:", "X-Other:", "Connection:" })
        {
            Assert.DoesNotContain(lines, l => l.StartsWith(hop, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("/yarp")]
    public async Task Forward_ClientNamesForwardingHeader_ProxyStillSendsItsOwn(string prefix)
    {
        await using var server = new ScriptedServer(Ok);
        await using var proxy = await Http11LeanVsYarpTests.StartAsync(server);

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes(
            $"GET {prefix}/page HTTP/1.1\r\nHost: x\r\nConnection: X-Forwarded-For, X-Forwarded-Proto\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        var lines = Assert.Single(server.Requests).Head.Split("\r\n");
        Assert.Equal(["X-Forwarded-For: 127.0.0.1"], lines.Where(l => l.StartsWith("X-Forwarded-For:", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("X-Forwarded-Proto: http", lines);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/yarp")]
    public async Task Forward_ResponseConnectionNamesFields_ThoseFieldsDoNotReachTheClient(string prefix)
    {
        await using var server = new ScriptedServer("HTTP/1.1 200 OK\r\nConnection: X-Hop, keep-alive\r\nConnection: x-other\r\nX-Hop: 1\r\n"
            + "X-Other: 2\r\nX-Keep: 3\r\nContent-Length: 2\r\n\r\nok");
        await using var proxy = await Http11LeanVsYarpTests.StartAsync(server);

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes($"GET {prefix}/page HTTP/1.1\r\nHost: x\r\n\r\n"), Bound);

        Assert.Equal(200, RawHttp.StatusOf(response));
        Assert.Equal("ok", RawClient.BodyOf(response));
        var fields = RawClient.FieldsOf(response);
        Assert.Contains("X-Keep: 3", fields);
        foreach (var hop in new[] { "X-Hop:", "X-Other:", "Connection:" })
        {
            Assert.DoesNotContain(fields, l => l.StartsWith(hop, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "keep-alive" }, null)]
    [InlineData(new[] { "close" }, null)]
    [InlineData(new[] { "Upgrade, Keep-Alive, TE" }, null)]
    [InlineData(new[] { "Host, content-length, transfer-encoding" }, null)]
    [InlineData(new[] { " X-A ,, x-b\t", "keep-alive, X-C" }, "X-A|x-b|X-C")]
    public void Listed_NamesBeyondTheFixedSet(string[] values, string? expected)
    {
        var listed = ConnectionOptions.Listed(new StringValues(values));

        Assert.Equal(expected, listed is null ? null : string.Join('|', listed));
    }
}
