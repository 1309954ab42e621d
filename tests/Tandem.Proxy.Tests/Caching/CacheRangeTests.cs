using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Range requests (RFC 9110 §14): a hit answers one byte range from the stored full response; a miss goes to the server as is.</summary>
public sealed class CacheRangeTests
{
    private const string Body = "0123456789abcdefghij";

    private static async Task<HeaderBackend> OriginAsync()
    {
        var origin = await HeaderBackend.StartAsync();
        origin.Handler = c =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.ETag = "\"v1\"";
            c.Response.Headers.LastModified = "Tue, 01 Dec 2026 10:00:00 GMT";
            if (c.Request.Headers.Range.Count > 0)
            {
                c.Response.StatusCode = 206;
                c.Response.Headers.ContentRange = "bytes 0-1/20";
                return c.Response.WriteAsync("01");
            }
            return c.Response.WriteAsync(Body);
        };
        return origin;
    }

    [Theory]
    [InlineData("bytes=0-9", "bytes 0-9/20", "0123456789")]
    [InlineData("bytes=15-", "bytes 15-19/20", "fghij")]
    [InlineData("bytes=-3", "bytes 17-19/20", "hij")]
    [InlineData("bytes=18-100", "bytes 18-19/20", "ij")]
    [InlineData("bytes=-50", "bytes 0-19/20", Body)]
    public async Task Hit_OneSatisfiableRange_206FromTheStoredObject(string range, string contentRange, string expected)
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/f");

        var (partial, body) = await GetAsync(client, proxy.BaseAddress, "/f", ("Range", range));

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(contentRange, partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(expected, body);
        Assert.Equal(expected.Length, partial.Content.Headers.ContentLength);
        Assert.Equal("HIT", XCache(partial));
        Assert.Equal(1, origin.Count("/f"));
    }

    [Theory]
    [InlineData("bytes=20-")]
    [InlineData("bytes=100-200")]
    [InlineData("bytes=-0")]
    public async Task Hit_UnsatisfiableRange_416WithTheLength(string range)
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/f");

        var (answer, body) = await GetAsync(client, proxy.BaseAddress, "/f", ("Range", range));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, answer.StatusCode);
        Assert.Equal("bytes */20", answer.Content.Headers.ContentRange?.ToString());
        Assert.Equal("", body);
        Assert.Equal(1, origin.Count("/f"));
    }

    [Theory]
    [InlineData("bytes=0-1, 5-6", null)]
    [InlineData("bytes=0-9", "\"v0\"")]
    [InlineData("bytes=0-9", "W/\"v1\"")]
    [InlineData("bytes=0-9", "Mon, 30 Nov 2026 10:00:00 GMT")]
    [InlineData("items=0-9", null)]
    [InlineData("bytes=9-0", null)]
    public async Task Hit_SeveralRangesOrIfRangeMismatchOrUnparsable_WholeResponse(string range, string? ifRange)
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/f");

        (string, string)[] headers = ifRange is null ? [("Range", range)] : [("Range", range), ("If-Range", ifRange)];
        var (answer, body) = await GetAsync(client, proxy.BaseAddress, "/f", headers);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Null(answer.Content.Headers.ContentRange);
        Assert.Equal(Body, body);
        Assert.Equal(1, origin.Count("/f"));
    }

    [Theory]
    [InlineData("\"v1\"")]
    [InlineData("Tue, 01 Dec 2026 10:00:00 GMT")]
    public async Task Hit_IfRangeMatches_206(string ifRange)
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        await GetAsync(client, proxy.BaseAddress, "/f");

        var (partial, body) = await GetAsync(client, proxy.BaseAddress, "/f", ("Range", "bytes=10-11"), ("If-Range", ifRange));

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("ab", body);
    }

    [Fact]
    public async Task Miss_RangeForwardedAsIs_206NotStored_HeadAndGetUnaffected()
    {
        await using var origin = await OriginAsync();
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var (partial, partialBody) = await GetAsync(client, proxy.BaseAddress, "/f", ("Range", "bytes=0-1"));
        var (full, fullBody) = await GetAsync(client, proxy.BaseAddress, "/f");
        var (head, _) = await SendAsync(client, proxy.BaseAddress, "/f", HttpMethod.Head, ("Range", "bytes=0-1"));

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("01", partialBody);
        Assert.Equal("MISS", XCache(full));
        Assert.Equal(Body, fullBody);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(2, origin.Count("/f"));
    }
}
