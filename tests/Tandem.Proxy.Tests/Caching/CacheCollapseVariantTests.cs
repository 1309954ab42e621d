using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Caching.CacheKit;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>Request collapsing by variant: clients of one coding never wait for, nor get, another coding's answer.</summary>
public sealed class CacheCollapseVariantTests
{
    private const string Text = "the same page in every coding, long enough to be worth compressing; the same page";

    /// <summary>A server that encodes as asked (Vary: Accept-Encoding), slow for gzip; counts the requests per coding.</summary>
    private static async Task<(HeaderBackend Origin, ConcurrentDictionary<string, int> Counts)> OriginAsync()
    {
        var origin = await HeaderBackend.StartAsync();
        var counts = new ConcurrentDictionary<string, int>();
        origin.Handler = async c =>
        {
            var accept = c.Request.Headers.AcceptEncoding.ToString();
            var coding = accept.Contains("br", StringComparison.Ordinal) ? "br" : accept.Contains("gzip", StringComparison.Ordinal) ? "gzip" : "identity";
            counts.AddOrUpdate(coding, 1, (_, n) => n + 1);
            if (coding == "gzip")
            {
                await Task.Delay(1500);
            }
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers.Vary = "Accept-Encoding";
            var body = Encoding.UTF8.GetBytes(Text);
            if (coding != "identity")
            {
                c.Response.Headers.ContentEncoding = coding;
                body = Encode(body, coding);
            }
            c.Response.ContentLength = body.Length;
            await c.Response.Body.WriteAsync(body);
        };
        return (origin, counts);
    }

    [Fact]
    public async Task VaryKnown_IdentityClientsDoNotWaitForTheSlowGzipLeader_EachCodingOneRequest_RightBodies()
    {
        var (origin, counts) = await OriginAsync();
        await using var _ = origin;
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();
        // The URL's Vary becomes known through a br client.
        await GetBytesAsync(client, proxy.BaseAddress, "/page", "br");

        var order = new ConcurrentQueue<string>();
        var gzip = Task.Run(async () =>
        {
            var answer = await GetBytesAsync(client, proxy.BaseAddress, "/page", "gzip");
            order.Enqueue("gzip");
            return answer;
        });
        await Task.Delay(200);
        var identity = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            var answer = await GetBytesAsync(client, proxy.BaseAddress, "/page", "identity");
            order.Enqueue("identity");
            return answer;
        }));
        var zipped = await gzip;

        Assert.Equal(["identity", "identity", "identity", "identity", "identity", "gzip"], order);
        Assert.All(identity, a => Assert.Equal(("", Text), (a.Coding, Encoding.UTF8.GetString(a.Body))));
        Assert.Equal(("gzip", Text), (zipped.Coding, Decode(zipped.Body, "gzip")));
        Assert.Equal(1, counts["identity"]);
        Assert.Equal(1, counts["gzip"]);
    }

    [Fact]
    public async Task VaryUnknown_IdentityWaitersOfAGzipLeader_RecheckTheirVariant_OneMoreRequest_RightBodies()
    {
        var (origin, counts) = await OriginAsync();
        await using var _ = origin;
        await using var proxy = await ProxyHarness.StartAsync(Config(origin));
        using var client = Client();

        var gzip = GetBytesAsync(client, proxy.BaseAddress, "/cold", "gzip");
        await Task.Delay(200);
        var identity = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => GetBytesAsync(client, proxy.BaseAddress, "/cold", "identity")));
        var zipped = await gzip;
        // The leader stores its answer once the forward returns, which can be a moment after the client has read the
        // last byte: wait for the marker and both variants before asking again.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(proxy.Runtime.Cache!.Memory.Count == 3), TimeSpan.FromSeconds(5)));
        var again = await GetBytesAsync(client, proxy.BaseAddress, "/cold", "gzip, deflate");

        Assert.All(identity, a => Assert.Equal(("", Text), (a.Coding, Encoding.UTF8.GetString(a.Body))));
        Assert.Equal(("gzip", Text), (zipped.Coding, Decode(zipped.Body, "gzip")));
        Assert.Equal(("gzip", Text), (again.Coding, Decode(again.Body, "gzip")));
        Assert.Equal(1, counts["gzip"]);
        Assert.Equal(1, counts["identity"]);
    }

    private static async Task<(string Coding, byte[] Body)> GetBytesAsync(HttpClient client, Uri proxy, string path, string acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy, path));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string.Join(",", response.Content.Headers.ContentEncoding), await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Encode(byte[] body, string coding)
    {
        using var buffer = new MemoryStream();
        using (Stream encoder = coding == "br" ? new BrotliStream(buffer, CompressionLevel.Fastest) : new GZipStream(buffer, CompressionLevel.Fastest))
        {
            encoder.Write(body);
        }
        return buffer.ToArray();
    }

    private static string Decode(byte[] body, string coding)
    {
        using Stream decoder = coding == "br" ? new BrotliStream(new MemoryStream(body), CompressionMode.Decompress) : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(decoder);
        return reader.ReadToEnd();
    }
}
