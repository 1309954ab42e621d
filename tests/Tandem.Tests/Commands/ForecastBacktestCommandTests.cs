using System.Globalization;
using System.Text;
using System.Text.Json;
using Tandem.Commands;
using Tandem.Forecasting.Backtest;
using Tandem.Forecasting.Models;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

public sealed class ForecastBacktestCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-tests-" + Guid.NewGuid().ToString("N"));

    public ForecastBacktestCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_Json_HasResultsPerModelAndHorizonAndSelectedPerHorizon()
    {
        var path = WriteWeeklyCsv(days: 21);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ForecastBacktestCommand.Run(new(Path: path, TestDays: 2, Horizons: "1,6", Json: true), stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Empty(stderr.ToString());
        using var document = JsonDocument.Parse(stdout.ToString());
        var root = document.RootElement;
        Assert.Contains("results", root.EnumerateObject().Select(p => p.Name));
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        foreach (var result in results)
        {
            Assert.Equal(JsonValueKind.String, result.GetProperty("model").ValueKind);
            Assert.True(result.GetProperty("horizon").GetInt32() is 1 or 6);
            Assert.True(result.GetProperty("mase").GetDouble() >= 0);
            Assert.Equal(JsonValueKind.Number, result.GetProperty("peakHit").ValueKind);
        }
        // Every model of the catalog, and the forecaster's selected, combined and chosen forecasts, at each horizon.
        var atOne = results.Where(r => r.GetProperty("horizon").GetInt32() == 1).Select(r => r.GetProperty("model").GetString()).ToList();
        Assert.Subset(ModelCatalog.Names.Concat([Backtester.SelectedName, Backtester.CombinedName, Backtester.ChosenName]).ToHashSet(), atOne.Select(m => m!).ToHashSet());
        Assert.Equal(atOne.Count, results.Count(r => r.GetProperty("horizon").GetInt32() == 6));
    }

    [Fact]
    public void Run_Table_ListsEveryModelAndTheValidationSelection()
    {
        var path = WriteWeeklyCsv(days: 21);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ForecastBacktestCommand.Run(new(Path: path, TestDays: 2, Horizons: "24", Json: false), stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        var lines = stdout.ToString().Split('\n');
        Assert.Contains(lines, l => l.StartsWith("forecast ", StringComparison.Ordinal) && l.Contains("MASE", StringComparison.Ordinal) && l.Contains("peak", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dense-calendar ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("The first forecaster's validation", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  h=24 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "1,6,24", "tandem forecast backtest: --test-days must be at least 1, got 0")]
    [InlineData(14, "1,x", "tandem forecast backtest: --horizons must be comma-separated integers 1..24, got '1,x'")]
    [InlineData(14, "25", "tandem forecast backtest: --horizons must be comma-separated integers 1..24, got '25'")]
    public void Run_BadOptions_Exit2WithMessage(int testDays, string horizons, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ForecastBacktestCommand.Run(new(Path: WriteWeeklyCsv(days: 21), TestDays: testDays, Horizons: horizons, Json: false), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal(expected, stderr.ToString().TrimEnd());
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public void Run_BadLine_Exit2NamingTheLine()
    {
        var path = Path.Combine(_directory, "bad.csv");
        File.WriteAllText(path, "timestamp_utc,requests\n1995-07-01T04:00:00Z,12\n1995-07-01T05:00:00Z,lots\n");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ForecastBacktestCommand.Run(new(Path: path, TestDays: 14, Horizons: "1", Json: false), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal($"tandem forecast backtest: {path}:3: bad request count 'lots' (expected a number >= 0 or empty for a gap)", stderr.ToString().TrimEnd());
    }

    [Fact]
    public void Run_TooShortForTheTestDays_Exit2SayingWhatIsNeeded()
    {
        var path = WriteWeeklyCsv(days: 10);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = ForecastBacktestCommand.Run(new(Path: path, TestDays: 14, Horizons: "1", Json: false), stdout, stderr, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Equal($"tandem forecast backtest: {path}: history has 240 hours: 14 test days leave 0 training hours, need at least 192", stderr.ToString().TrimEnd());
    }

    [Fact]
    public async Task Forecast_Backtest_MissingFile_Exits2FromTheCommandLine()
    {
        var path = Path.Combine(_directory, "absent.csv");

        using var tandem = await TandemProcess.RunToExitAsync("forecast", "backtest", "--history", path);

        Assert.Equal(2, tandem.ExitCode);
        var line = Assert.Single(tandem.StderrLines);
        Assert.StartsWith($"tandem forecast backtest: {path}: cannot read: ", line, StringComparison.Ordinal);
        Assert.Empty(tandem.StdoutLines);
    }

    private string WriteWeeklyCsv(int days)
    {
        var text = new StringBuilder("timestamp_utc,requests\n");
        var start = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < days * 24; i++)
        {
            var factor = i / 24 % 7 >= 5 ? 0.5 : 1.0;
            var value = Math.Round(factor * (1000 + (500 * Math.Sin(2 * Math.PI * i / 24))) + (37 * ((i * 7919) % 11)));
            text.Append(CultureInfo.InvariantCulture, $"{start.AddHours(i):yyyy-MM-ddTHH:mm:ssZ},{value}\n");
        }
        var path = Path.Combine(_directory, "history.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
