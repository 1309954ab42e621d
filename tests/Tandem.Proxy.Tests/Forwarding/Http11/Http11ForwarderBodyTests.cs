using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// Bodies through the lean HTTP/1.1 path end to end, a real Tandem listener on 127.0.0.1 in front of a raw scripted
/// server or a real Kestrel backend: responses that must have no body, large bodies in both framings, request bodies
/// around the size sent with the head, and a server that stops mid-body. Every exchange is bounded.
/// </summary>
public sealed class Http11ForwarderBodyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Fact]
    public async Task Forward_HeadWithContentLength100_ClientGetsHeadOnlyAndConnectionIsReused()
    {
        await using var server = new ScriptedServer(head => new ScriptedServer.Reply(
            head.StartsWith("HEAD ", StringComparison.Ordinal) ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" : Ok));
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        // Read until the proxy closes (the client asked it to): by then the upstream connection is back in the pool.
        var (head, closed) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Bound);
        var get = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.True(closed, "the proxy did not end the HEAD exchange: " + head);
        Assert.Equal(200, RawHttp.StatusOf(head));
        Assert.Contains("Content-Length: 100", RawClient.FieldsOf(head));
        Assert.Equal("", RawClient.BodyOf(head));
        Assert.Equal(200, RawHttp.StatusOf(get));
        Assert.Equal("ok", RawClient.BodyOf(get));
        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nX-A: a\r\n\r\n", 204)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 50\r\n\r\n", 304)]
    public async Task Forward_NoBodyStatus_ClientGetsNoBodyAndConnectionIsReused(string canned, int status)
    {
        await using var server = new ScriptedServer(head => new ScriptedServer.Reply(
            head.StartsWith("GET /first ", StringComparison.Ordinal) ? canned : Ok));
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var (first, closed) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "GET /first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Bound);
        var next = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.True(closed, "the proxy did not end the exchange: " + first);
        Assert.Equal(status, RawHttp.StatusOf(first));
        Assert.Equal("", RawClient.BodyOf(first));
        Assert.Equal("ok", RawClient.BodyOf(next));
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Forward_ExpectContinueWithBody_ClientGets100ThenTheEchoedBody()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([backend.ServerConfig()]));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.BaseAddress.Port), limit.Token);

        await socket.SendAsync(RawHttp.Bytes("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"),
            limit.Token);
        var interim = await RawHttp.ReadResponseAsync(socket, limit.Token);
        await socket.SendAsync(RawHttp.Bytes("hello world"), limit.Token);
        var (final, closed) = await RawClient.ReadUntilCloseAsync(socket, limit.Token);

        Assert.Equal(100, RawHttp.StatusOf(interim));
        Assert.True(closed, "the proxy did not end the exchange: " + final);
        Assert.Equal(200, RawHttp.StatusOf(final));
        // The echo endpoint writes without a length: the answer comes chunked.
        Assert.Contains("Transfer-Encoding: chunked", RawClient.FieldsOf(final));
        Assert.Equal("a:hello world", RawClient.Dechunk(RawClient.BodyOf(final)));
    }

    [Theory]
    [InlineData("/length")]
    [InlineData("/chunked")]
    public async Task Forward_FiveMegabyteResponse_BytesArriveIntact(string path)
    {
        var payload = Payload(5 * 1024 * 1024);
        await using var backend = await HeaderBackend.StartAsync();
        backend.Handler = async context =>
        {
            if (context.Request.Path == "/length")
            {
                context.Response.ContentLength = payload.Length;
            }
            // Odd-sized writes, so chunk and read boundaries fall anywhere.
            for (var at = 0; at < payload.Length; at += 7919)
            {
                await context.Response.Body.WriteAsync(payload.AsMemory(at, Math.Min(7919, payload.Length - at)), context.RequestAborted);
            }
        };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([backend.ServerConfig()]));

        using var response = await proxy.Client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (path == "/length")
        {
            Assert.Equal(payload.Length, response.Content.Headers.ContentLength);
        }
        else
        {
            Assert.True(response.Headers.TransferEncodingChunked);
        }
        Assert.Equal(payload.Length, body.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(body));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(4096)] // the largest body sent with the head in one call
    [InlineData(4097)] // the smallest one streamed after it
    [InlineData(1024 * 1024)]
    public async Task Forward_PostBodyWithContentLength_BackendReceivesExactlyTheBody(int length)
    {
        var payload = Payload(length);
        await using var backend = await HeaderBackend.StartAsync();
        backend.Handler = async context =>
        {
            using var received = new MemoryStream();
            await context.Request.Body.CopyToAsync(received, context.RequestAborted);
            await context.Response.WriteAsync(received.Length.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(SHA256.HashData(received.ToArray())));
        };
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([backend.ServerConfig()]));

        using var content = new ByteArrayContent(payload);
        using var response = await proxy.Client.PostAsync(new Uri("/upload", UriKind.Relative), content);
        var answer = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(length.ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(SHA256.HashData(payload)), answer);
        Assert.Equal(length, backend.Last("/upload")!.ContentLength);
    }

    [Theory]
    [InlineData("Content-Length: 1000\r\n\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n3e8\r\n")] // a 1000-byte chunk announced
    public async Task Forward_ServerClosesMidBody_ClientConnectionAbortedAndNextRequestWorks(string framing)
    {
        await using var server = new ScriptedServer(head => head.StartsWith("GET /cut ", StringComparison.Ordinal)
            ? new ScriptedServer.Reply("HTTP/1.1 200 OK\r\n" + framing + new string('a', 100), close: true)
            : new ScriptedServer.Reply(Ok));
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        // No Connection: close: the proxy has no reason to close but the cut.
        var (cut, closed) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "GET /cut HTTP/1.1\r\nHost: x\r\n\r\n", Bound);
        var next = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.True(closed, "the proxy kept the client's connection open after the server cut the body: " + cut);
        // The proxy aborts the client's connection. Before the reset the client may have the head and part of the body,
        // or nothing at all (a reset drops bytes not yet sent); whatever the framing (the server's length, or Kestrel's
        // chunks), never a response that ends well-formed.
        if (cut.Length > 0)
        {
            Assert.True(RawHttp.StatusOf(cut) == 200, "the client got: " + cut);
            var body = RawClient.BodyOf(cut);
            if (RawClient.FieldsOf(cut).Contains("Content-Length: 1000"))
            {
                Assert.True(body.Length < 1000, $"the client got {body.Length} body bytes of a cut response");
            }
            else
            {
                Assert.Contains("Transfer-Encoding: chunked", RawClient.FieldsOf(cut));
                Assert.DoesNotContain("\r\n0\r\n\r\n", body, StringComparison.Ordinal);
            }
        }
        Assert.Equal(200, RawHttp.StatusOf(next));
        Assert.Equal("ok", RawClient.BodyOf(next));
        Assert.Equal(2, server.Connections);
    }

    /// <summary>Deterministic bytes that do not repeat with a short period (a shifted chunk would change the hash).</summary>
    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        var state = 0x9E3779B9u;
        for (var i = 0; i < bytes.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = (byte)state;
        }
        return bytes;
    }
}
