using Tandem.Proxy.Caching;

namespace Tandem.Proxy.Tests.Caching;

/// <summary>What the shared tier stores: a round trip keeps everything; anything else reads as a miss, never an exception.</summary>
public sealed class CacheSerializerTests
{
    private static CachedResponse Sample() => new(200,
        [new("Content-Type", ["text/html; charset=utf-8"]), new("Cache-Control", ["max-age=60"]), new("Link", ["</a.css>", "</b.js>"])],
        "<p>héllo</p>"u8.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250),
        ["accept-encoding"], ["br"], ["product-1", "catalog"]);

    private static readonly DateTimeOffset DropAt = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_360_250);

    [Fact]
    public void RoundTrip_KeepsStatusHeadersBodyTimesDropTimeVaryAndTags()
    {
        var original = Sample();

        var read = CacheSerializer.Read(CacheSerializer.Write(original, DropAt), out var dropAt)!;

        Assert.Equal(200, read.Status);
        Assert.Equal(original.Body, read.Body);
        Assert.Equal(original.RequestTime, read.RequestTime);
        Assert.Equal(original.ResponseTime, read.ResponseTime);
        Assert.Equal(DropAt, dropAt);
        Assert.Equal(["Content-Type", "Cache-Control", "Link"], read.Headers.Select(h => h.Key));
        Assert.Equal(["</a.css>", "</b.js>"], read.Headers[2].Value);
        Assert.Equal(["accept-encoding"], read.VaryNames);
        Assert.Equal(["br"], read.VaryValues);
        Assert.Equal(["product-1", "catalog"], read.Tags);
        Assert.Equal(TimeSpan.FromSeconds(60), read.Directives.MaxAge);
    }

    [Fact]
    public void VaryMarker_RoundTrips()
    {
        var marker = CachedResponse.VaryMarker(["cookie", "accept-encoding"], DateTimeOffset.UnixEpoch);

        var read = CacheSerializer.Read(CacheSerializer.Write(marker, DropAt))!;

        Assert.True(read.IsVaryMarker);
        Assert.Equal(["cookie", "accept-encoding"], read.VaryNames);
    }

    [Fact]
    public void ForeignCorruptTruncatedOrNewer_ReadAsNull()
    {
        var bytes = CacheSerializer.Write(Sample(), DropAt);
        var newer = (byte[])bytes.Clone();
        newer[2] = 3;
        var random = new byte[512];
        new Random(7).NextBytes(random);
        random[0] = (byte)'T';
        random[1] = (byte)'C';
        random[2] = 2;

        Assert.Null(CacheSerializer.Read((byte[]?)null));
        Assert.Null(CacheSerializer.Read([]));
        Assert.Null(CacheSerializer.Read("{\"json\":true}"u8.ToArray()));
        Assert.Null(CacheSerializer.Read(newer));
        Assert.Null(CacheSerializer.Read(random));
        for (var cut = 3; cut < bytes.Length; cut += 7)
        {
            Assert.Null(CacheSerializer.Read(bytes.AsSpan(0, cut)));
        }
        Assert.Null(CacheSerializer.Read([.. bytes, 0]));
    }

    [Fact]
    public void Version1_WithoutDropTime_StillRead()
    {
        var v2 = CacheSerializer.Write(Sample(), DropAt);
        // Version 1 is version 2 without the 8 bytes of the drop time after the two times (status 200 is 2 bytes).
        byte[] v1 = [(byte)'T', (byte)'C', 1, .. v2.AsSpan(3, 2 + 16), .. v2.AsSpan(3 + 2 + 24)];

        var read = CacheSerializer.Read(v1, out var dropAt);

        Assert.NotNull(read);
        Assert.Null(dropAt);
        Assert.Equal(Sample().Body, read.Body);
    }
}
