using Tandem.Core.Config;

namespace Tandem.Core.Tests.Config;

public sealed class DurationTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(".5s", 500)]
    [InlineData(" 2s ", 2_000)]
    [InlineData("0s", 0)]
    [InlineData("8760h", 31_536_000_000)]
    public void TryParse_Valid_Converts(string text, long milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("+1s")]
    [InlineData("ms")]
    [InlineData("30")]
    [InlineData("2S")]
    [InlineData("1d")]
    [InlineData("1 s")]
    [InlineData("1m30s")]
    [InlineData("1e3ms")]
    [InlineData("1,5s")]
    [InlineData("8761h")]
    public void TryParse_Invalid_False(string? text)
    {
        Assert.False(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Theory]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1500ms")]
    [InlineData(2_000, "2s")]
    [InlineData(90_000, "90s")]
    [InlineData(300_000, "5m")]
    [InlineData(5_400_000, "90m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(0, "0ms")]
    public void Format_ShortestSpelling_RoundTrips(int milliseconds, string expected)
    {
        var text = Duration.Format(TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, text);
        Assert.True(Duration.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), back);
    }
}
