using System.IO.Compression;
using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>A route's <c>compression</c> through a real proxy: what the client gets, byte for byte, after decompressing.</summary>
public sealed class RouteCompressionTests
{
    private static TandemConfig Config(TextBackend backend, CompressionConfig? compression) => new()
    {
        Listeners =
        [
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app",
                Routes = [new RouteConfig { Name = "site", Pool = "app", Compression = compression }],
            },
        ],
        Pools = [new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [backend.ServerConfig()] }],
        Version = "test",
    };

    /// <summary>A client that decompresses nothing, so the test sees the bytes on the wire.</summary>
    private static HttpClient RawClient() => new(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(HttpClient client, Uri proxy, string path, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy, path));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decompress(byte[] body, string coding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("gzip;q=0.5, br", "br")]
    [InlineData("br;q=0.2, gzip", "gzip")]
    [InlineData("*", "br")]
    public async Task Compression_TextWithLength_CompressedAsAcceptedWithVary(string accept, string coding)
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig()));
        using var client = RawClient();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, "/text/100000", accept);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([coding], response.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            Assert.True(body.Length < 100_000 / 4, $"{body.Length} bytes compressed from 100000");
            Assert.Equal(TextBackend.TextBody(100_000), Decompress(body, coding));
        }
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Compression_LargeStreamedBody_DecompressesToTheExactBytes(string coding)
    {
        const int size = 8 * 1024 * 1024;
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig()));
        using var client = RawClient();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, $"/text/{size}?chunked=1", coding);

        using (response)
        {
            Assert.Equal([coding], response.Content.Headers.ContentEncoding);
            Assert.True(response.Headers.TransferEncodingChunked, "no length: the body streamed in chunks");
            Assert.Equal(TextBackend.TextBody(size), Decompress(body, coding));
        }
    }

    [Fact]
    public async Task Compression_ClientAcceptsNoCoding_SentAsItIsWithVary()
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig()));
        using var client = RawClient();

        var (none, plain) = await GetAsync(client, proxy.BaseAddress, "/text/5000", null);
        var (refused, refusedBody) = await GetAsync(client, proxy.BaseAddress, "/text/5000", "gzip;q=0, br;q=0");

        using (none)
        using (refused)
        {
            Assert.Empty(none.Content.Headers.ContentEncoding);
            Assert.Equal(5000, none.Content.Headers.ContentLength);
            Assert.Contains("Accept-Encoding", none.Headers.Vary);
            Assert.Equal(TextBackend.TextBody(5000), plain);
            Assert.Empty(refused.Content.Headers.ContentEncoding);
            Assert.Equal(TextBackend.TextBody(5000), refusedBody);
        }
    }

    [Fact]
    public async Task Compression_Off_SentAsItIsWhateverTheClientAccepts()
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, compression: null));
        using var client = RawClient();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, "/text/100000", "br, gzip");

        using (response)
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Empty(response.Headers.Vary);
            Assert.Equal(TextBackend.TextBody(100_000), body);
        }
    }

    [Fact]
    public async Task Compression_ServerAlreadyCompressed_PassedThroughUntouched()
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig()));
        using var client = RawClient();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, "/gzipped", "br, gzip");

        using (response)
        {
            Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
            Assert.Equal(TextBackend.GzippedBody(), body);
        }
    }

    [Theory]
    [InlineData("/text/500")]
    [InlineData("/text/100000?type=application/octet-stream")]
    [InlineData("/text/100000?type=image/png")]
    public async Task Compression_SmallOrNotText_SentAsItIs(string path)
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig()));
        using var client = RawClient();

        var (response, body) = await GetAsync(client, proxy.BaseAddress, path, "br, gzip");

        using (response)
        {
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Compression_ConfiguredTypes_OnlyThoseCompressed()
    {
        await using var a = await TextBackend.StartAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(a, new CompressionConfig { Types = ["application/json"], MinSize = 0 }));
        using var client = RawClient();

        var (json, jsonBody) = await GetAsync(client, proxy.BaseAddress, "/text/300?type=application/json", "gzip");
        var (text, _) = await GetAsync(client, proxy.BaseAddress, "/text/300", "gzip");

        using (json)
        using (text)
        {
            Assert.Equal(["gzip"], json.Content.Headers.ContentEncoding);
            Assert.Equal(TextBackend.TextBody(300), Decompress(jsonBody, "gzip"));
            Assert.Empty(text.Content.Headers.ContentEncoding);
        }
    }
}
