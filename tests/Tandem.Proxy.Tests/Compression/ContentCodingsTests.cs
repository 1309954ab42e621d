using Microsoft.Extensions.Primitives;
using Tandem.Proxy.Compression;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Compression;

/// <summary>Which coding a client's Accept-Encoding gets (RFC 9110 section 12.5.3).</summary>
public sealed class ContentCodingsTests
{
    [Theory]
    [InlineData("gzip, deflate, br", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("GZIP;Q=1.0", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("br;q=0.4, gzip;q=0.8", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("gzip;q=0, br;q=0", "identity")]
    [InlineData("*", "br")]
    [InlineData("*;q=0", "identity")]
    [InlineData("gzip;q=0, *", "br")]
    [InlineData("identity", "identity")]
    [InlineData("deflate, compress", "identity")]
    [InlineData("", "identity")]
    [InlineData(" , ;q=1, gzip;q=nonsense", "identity")]
    public void Choose_AcceptEncoding_CodingWithTheHigherWeight(string header, string expected)
    {
        var coding = ContentCodings.Choose(new StringValues(header));

        Assert.Equal(expected, coding switch { ContentCoding.Brotli => "br", ContentCoding.Gzip => "gzip", _ => "identity" });
    }

    [Fact]
    public void Choose_SeveralHeaderLines_ReadTogether()
    {
        Assert.Equal(ContentCoding.Gzip, ContentCodings.Choose(new StringValues(["br;q=0.1", "gzip"])));
        Assert.Equal(ContentCoding.Identity, ContentCodings.Choose(StringValues.Empty));
    }

    [Fact]
    public void Choose_TypicalBrowserHeader_AllocatesNothing()
    {
        var header = new StringValues("gzip, deflate, br, zstd");
        ContentCodings.Choose(header);

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                ContentCodings.Choose(header);
            }
        });

        Assert.Equal(0, allocated);
    }
}
