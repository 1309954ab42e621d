using Tandem.Forecasting.Import;

namespace Tandem.Forecasting.Tests.Import;

public sealed class ImportTests
{
    [Fact]
    public void HourlyCsv_HeaderGapsAndBadRows_SeriesWithGapsAndReasons()
    {
        var report = new ImportReport();
        var csv = """
            timestamp_utc,requests
            2026-01-01T00:00:00Z,100
            2026-01-01T01:00:00Z,
            2026-01-01T03:00:00Z,300
            2026-01-01T03:30:00Z,5
            yesterday,5
            2026-01-01T04:00:00Z,-1
            """;

        var series = HourlyCsv.ReadTolerant(new StringReader(csv), report);

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), series.Start);
        Assert.Equal(4, series.Count);
        Assert.Equal(100, series.Values[0]);
        Assert.True(double.IsNaN(series.Values[1]));
        Assert.True(double.IsNaN(series.Values[2]));
        Assert.Equal(300, series.Values[3]);
        Assert.Equal(7, report.LinesRead);
        Assert.Equal(4, report.LinesSkipped);
        Assert.Equal(
            ["skipped 1 line: header (first at line 1)", "skipped 1 line: timestamp not on the hour (first at line 5)",
             "skipped 1 line: bad timestamp (first at line 6)", "skipped 1 line: bad request count (first at line 7)"],
            report.Describe());
    }

    [Fact]
    public void HourlyCsv_SharedNasaFile_ReadsEveryHour()
    {
        const string file = "/work/shared/data/traffic/nasa_ksc_1995_hourly.csv";
        if (!File.Exists(file))
        {
            return;
        }
        var report = new ImportReport();

        var series = HourlyCsv.ReadTolerantFile(file, report);

        Assert.Equal(1488, series.Count);
        Assert.Equal(1, report.LinesSkipped);
    }

    [Theory]
    [InlineData("127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326", "2000-10-10T20:55:36Z")]
    [InlineData("199.72.81.55 - - [01/Jul/1995:00:00:01 -0400] \"GET /history/apollo/ HTTP/1.0\" 200 6245", "1995-07-01T04:00:01Z")]
    [InlineData("10.0.0.1 - - [ 5/jan/2026:23:59:59 +0000] \"GET / HTTP/1.1\" 200 1", "2026-01-05T23:59:59Z")]
    [InlineData("10.0.0.1 - - [05/Jan/2026:10:00:00] \"GET / HTTP/1.1\" 200 1", "2026-01-05T10:00:00Z")]
    public void CombinedTime_NginxAndApacheLines_Parsed(string line, string expected)
    {
        var (at, problem) = AccessLogImport.CombinedTime(line);

        Assert.Null(problem);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
    }

    [Theory]
    [InlineData("garbage", "no [timestamp]")]
    [InlineData("x [10/Foo/2000:13:55:36 -0700] y", "bad timestamp")]
    [InlineData("x [31/Feb/2000:13:55:36 -0700] y", "bad timestamp")]
    [InlineData("x [10/Oct/2000:13:55:36 0700] y", "bad time zone offset")]
    public void CombinedTime_BadLines_Reason(string line, string reason)
    {
        var (at, problem) = AccessLogImport.CombinedTime(line);

        Assert.Null(at);
        Assert.Equal(reason, problem);
    }

    [Fact]
    public void Read_CombinedLog_CountsPerHourWithQuietHoursAsZero()
    {
        var log = """
            1.1.1.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.0" 200 1
            1.1.1.1 - - [10/Oct/2000:13:59:59 +0000] "GET / HTTP/1.0" 200 1
            not a log line

            1.1.1.1 - - [10/Oct/2000:15:00:00 +0000] "GET / HTTP/1.0" 200 1
            """;
        var report = new ImportReport();

        var series = AccessLogImport.Read(new StringReader(log), AccessLogFormat.Auto, report);

        Assert.Equal(new DateTimeOffset(2000, 10, 10, 13, 0, 0, TimeSpan.Zero), series.Start);
        Assert.Equal([2, 0, 1], series.Values);
        Assert.Equal(5, report.LinesRead);
        Assert.Equal(["skipped 1 line: no [timestamp] (first at line 3)", "skipped 1 line: empty line (first at line 4)"], report.Describe());
    }

    [Fact]
    public void Read_JsonLines_TimeOrTimestampField()
    {
        var log = """
            {"time":"2026-11-25T08:15:00.123Z","pool":"app","status":200}
            {"timestamp":"2026-11-25T09:01:00+01:00","status":200}
            {"status":200}
            {"time":"soon"}
            [1,2]
            {not json
            """;
        var report = new ImportReport();

        var series = AccessLogImport.Read(new StringReader(log), AccessLogFormat.Json, report);

        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), series.Start);
        Assert.Equal([2], series.Values);
        Assert.Equal(4, report.LinesSkipped);
        Assert.Contains("skipped 1 line: no time or timestamp field (first at line 3)", report.Describe());
        Assert.Contains("skipped 1 line: bad timestamp (first at line 4)", report.Describe());
        Assert.Contains("skipped 1 line: not a JSON object (first at line 5)", report.Describe());
        Assert.Contains("skipped 1 line: not valid JSON (first at line 6)", report.Describe());
    }
}
