using Tandem.Forecasting.Import;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Tests.Import;

public sealed class HourlyCsvTests
{
    [Fact]
    public void Parse_EmptyCountAndMissingHour_AreGaps()
    {
        var series = Parse("""
            timestamp_utc,requests
            1995-07-01T04:00:00Z,3565
            1995-07-01T05:00:00Z,
            1995-07-01T07:00:00Z,12

            """);

        Assert.Equal(new DateTimeOffset(1995, 7, 1, 4, 0, 0, TimeSpan.Zero), series.Start);
        Assert.Equal(4, series.Count);
        Assert.Equal(3565, series.Values[0]);
        Assert.True(double.IsNaN(series.Values[1]));
        Assert.True(double.IsNaN(series.Values[2]));
        Assert.Equal(12, series.Values[3]);
    }

    [Theory]
    [InlineData("time,count\n1995-07-01T04:00:00Z,1\n", "h.csv:1: expected the header 'timestamp_utc,requests', got 'time,count'")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,1\nyesterday,2\n", "h.csv:3: bad timestamp 'yesterday' (expected ISO 8601 UTC, e.g. 1995-07-01T04:00:00Z)")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,-1\n", "h.csv:2: bad request count '-1' (expected a number >= 0 or empty for a gap)")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,many\n", "h.csv:2: bad request count 'many' (expected a number >= 0 or empty for a gap)")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,1,2\n", "h.csv:2: expected 2 fields 'timestamp_utc,requests', got '1995-07-01T04:00:00Z,1,2'")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:30:00Z,1\n", "h.csv:2: timestamp '1995-07-01T04:30:00Z' is not on the hour")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,1\n1995-07-01T05:00:00Z,1\n1995-07-01T05:00:00Z,1\n", "h.csv:4: hour 1995-07-01T05:00:00Z is not after the previous line's 1995-07-01T05:00:00Z")]
    [InlineData("timestamp_utc,requests\n", "h.csv: no data lines after the header")]
    [InlineData("timestamp_utc,requests\n1995-07-01T04:00:00Z,1\n9995-07-01T05:00:00Z,1\n", "h.csv:3: hour 9995-07-01T05:00:00Z is more than 87840 hours after the first line's 1995-07-01T04:00:00Z")]
    public void Parse_BadLine_ErrorNamesFileAndLine(string text, string expected)
    {
        var error = Assert.Throws<HourlyCsvException>(() => Parse(text));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Read_MissingFile_SaysItCannotRead()
    {
        var path = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"), "absent.csv");

        var error = Assert.Throws<HourlyCsvException>(() => HourlyCsv.Read(path));

        Assert.StartsWith(path + ": cannot read: ", error.Message, StringComparison.Ordinal);
    }

    private static HourlySeries Parse(string text)
    {
        using var reader = new StringReader(text);
        return HourlyCsv.Parse(reader, "h.csv");
    }
}
