using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>A route that caches and compresses: each coding is its own variant, so a client never gets a coding it did not accept.</summary>
public sealed class CacheCompressionTests
{
    [Fact]
    public async Task CompressedByTandem_StoredPerCoding_IdentityClientGetsPlainText()
    {
        await using var origin = await HeaderBackend.StartAsync();
        var text = new string('a', 4000);
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.ContentType = "text/plain";
            c.Response.ContentLength = text.Length;
            return c.Response.WriteAsync(text);
        };
        var config = Config(origin);
        config = config with
        {
            Listeners = [config.Listeners[0] with
            {
                Routes = [new RouteConfig { Name = "site", Pool = "app", Cache = new RouteCacheConfig { XCacheHeader = true }, Compression = new CompressionConfig() }],
            }],
        };
        await using var proxy = await ProxyHarness.StartAsync(config);
        using var client = Client();

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/t"));
        gzipRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var gzipped = await client.SendAsync(gzipRequest);
        var gzipBody = await gzipped.Content.ReadAsByteArrayAsync();
        var (plain, plainBody) = await GetAsync(client, proxy.BaseAddress, "/t", ("Accept-Encoding", "identity"));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/t"));
        again.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate");
        using var hit = await client.SendAsync(again);
        var hitBody = await hit.Content.ReadAsByteArrayAsync();

        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(text, plainBody);
        Assert.Equal("HIT", XCache(hit));
        Assert.Equal(["gzip"], hit.Content.Headers.ContentEncoding);
        using var unzip = new GZipStream(new MemoryStream(hitBody), CompressionMode.Decompress);
        using var reader = new StreamReader(unzip);
        Assert.Equal(text, await reader.ReadToEndAsync());
        Assert.Equal(gzipBody, hitBody);
        Assert.Equal(2, origin.Count("/t"));
    }
}
