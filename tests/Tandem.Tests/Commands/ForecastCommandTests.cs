using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

public sealed class ForecastCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tandem-forecast-cmd-" + Guid.NewGuid().ToString("N"));

    public ForecastCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Four weeks: 1 req/s, 4 req/s at 10:00 every day.</summary>
    private string SpikyCsv()
    {
        var csv = new StringBuilder("timestamp_utc,requests\n");
        var start = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 28 * 24; i++)
        {
            var hour = start.AddHours(i);
            csv.Append(CultureInfo.InvariantCulture, $"{hour:yyyy-MM-ddTHH:mm:ssZ},{(hour.Hour == 10 ? 4 : 1) * 3600}\n");
        }
        var path = Path.Combine(_dir, "spiky.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    [Fact]
    public async Task Simulate_DailySpike_JsonWithForecastPlanAheadOfReactive()
    {
        using var tandem = await TandemProcess.RunToExitAsync("forecast", "simulate", "--history", SpikyCsv(), "--capacity", "1", "--test-days", "7", "--forecaster", "naive", "--json");

        Assert.Equal(0, tandem.ExitCode);
        using var json = JsonDocument.Parse(string.Join('\n', tandem.StdoutLines));
        Assert.Equal(168, json.RootElement.GetProperty("testHours").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("forecast").GetProperty("overloadedHours").GetInt32());
        Assert.Equal(7, json.RootElement.GetProperty("reactive").GetProperty("overloadedHours").GetInt32());
        Assert.Equal(7, json.RootElement.GetProperty("static").GetProperty("overloadedHours").GetInt32());
    }

    [Fact]
    public async Task Simulate_BadOptions_Exit2WithEveryProblem()
    {
        using var tandem = await TandemProcess.RunToExitAsync("forecast", "simulate", "--history", Path.Combine(_dir, "none.csv"), "--capacity", "0", "--threshold", "200%");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal(
            ["tandem forecast simulate: --capacity: must be greater than 0, got 0",
             "tandem forecast simulate: --threshold: expected a percentage 1%..100% such as 80%, got '200%'",
             $"tandem forecast simulate: --history: {Path.Combine(_dir, "none.csv")}: no such file"],
            tandem.StderrLines);
    }

    [Fact]
    public async Task Import_Csv_ReportsLinesAndHoursIntoTheDataDir()
    {
        var dataDir = Path.Combine(_dir, "data");

        using var tandem = await TandemProcess.RunToExitAsync("forecast", "import", "--pool", "app", "--csv", SpikyCsv(), "--data-dir", dataDir);

        Assert.Equal(0, tandem.ExitCode);
        Assert.Equal($"{Path.Combine(_dir, "spiky.csv")}: read 673 lines, skipped 1", tandem.StdoutLines[0]);
        Assert.Equal("  skipped 1 line: header (first at line 1)", tandem.StdoutLines[1]);
        Assert.StartsWith("imported 672 hours for pool app (2026-10-01T00:00Z to 2026-10-28T23:00Z, 0 gap hours)", tandem.StdoutLines[2], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dataDir, "history.db")));
    }

    [Fact]
    public async Task Import_AccessLog_CountsRequestsPerHour()
    {
        var log = Path.Combine(_dir, "access.log");
        await File.WriteAllTextAsync(log, """
            10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 12 "-" "curl/8"
            10.0.0.2 - - [10/Oct/2026:13:56:00 -0700] "GET /a HTTP/1.1" 404 0 "-" "curl/8"
            garbage
            """);

        using var tandem = await TandemProcess.RunToExitAsync("forecast", "import", "--pool", "app", "--access-log", log, "--format", "combined", "--data-dir", Path.Combine(_dir, "d"));

        Assert.Equal(0, tandem.ExitCode);
        Assert.Equal([$"{log}: read 3 lines, skipped 1", "  skipped 1 line: no [timestamp] (first at line 3)",
            $"imported 1 hour for pool app (2026-10-10T20:00Z to 2026-10-10T20:00Z, 0 gap hours) into {Path.Combine(_dir, "d", "history.db")}"], tandem.StdoutLines);
    }

    [Fact]
    public async Task Import_NeitherCsvNorLog_Exit2()
    {
        using var tandem = await TandemProcess.RunToExitAsync("forecast", "import", "--pool", "app");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal(["tandem forecast import: give exactly one of --csv FILE or --access-log FILE"], tandem.StderrLines);
    }
}
