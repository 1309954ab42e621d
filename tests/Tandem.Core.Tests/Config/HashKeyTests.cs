using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class HashKeyTests
{
    [Theory]
    [InlineData("ip", HashKeySource.ClientAddress, null)]
    [InlineData("header:X-User", HashKeySource.Header, "X-User")]
    [InlineData("cookie:sid", HashKeySource.Cookie, "sid")]
    public void TryParse_WellFormed_SourceAndName(string text, HashKeySource source, string? name)
    {
        var key = HashKey.TryParse(text);

        Assert.Equal(new HashKey(source, name), key);
        Assert.Equal(text, key!.ToString());
    }

    [Theory]
    [InlineData("header:")]
    [InlineData("foo:bar")]
    [InlineData("header:a b")]
    [InlineData(":sid")]
    [InlineData("cookie:a;b")]
    [InlineData("IP")]
    [InlineData("")]
    [InlineData("header")]
    public void TryParse_Malformed_Null(string text)
    {
        Assert.Null(HashKey.TryParse(text));
    }
}
