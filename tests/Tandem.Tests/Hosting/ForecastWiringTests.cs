using System.Globalization;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

public sealed class ForecastWiringTests
{
    [Fact]
    public async Task StartAsync_ForecastConfigured_HistoryInTheDataDirAndApiForecastServesThePlan()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "tandem-wiring-" + Guid.NewGuid().ToString("N"));
        await using var backend = await TestBackend.StartAsync("a");
        await using var backup = await TestBackend.StartAsync("b");
        try
        {
            await using (var node = await NodeHarness.StartAsync((port, admin) => string.Create(CultureInfo.InvariantCulture, $"""
                listeners:
                  - name: web
                    bind: 127.0.0.1:{port}
                    pool: app
                admin:
                  bind: 127.0.0.1:{admin}
                forecast:
                  data-dir: {dataDir}
                pools:
                  - name: app
                    capacity: 100
                    scale-ahead:
                      actions: [wake-backups]
                    servers:
                      - address: 127.0.0.1:{backend.Port}
                      - address: 127.0.0.1:{backup.Port}
                        backup: true
                """)))
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                var url = $"http://127.0.0.1:{node.AdminPort}/api/forecast";
                JsonElement app = default;
                // The first planning round runs at start in the background: poll for it, bounded.
                for (var i = 0; i < 50; i++)
                {
                    using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(url)));
                    Assert.True(json.RootElement.GetProperty("enabled").GetBoolean());
                    app = json.RootElement.GetProperty("pools")[0].Clone();
                    if (app.TryGetProperty("outlook", out _))
                    {
                        break;
                    }
                    await Task.Delay(100);
                }
                Assert.Equal("app", app.GetProperty("pool").GetString());
                Assert.False(app.GetProperty("outlook").GetProperty("overloadPredicted").GetBoolean());
                Assert.Equal(1, node.Node.Forecast.Pools["app"].ServersNeeded);
            }
            Assert.True(File.Exists(Path.Combine(dataDir, "history.db")));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_NoForecastSection_ApiForecastIs404SoTheDashboardHidesThePanel()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => ConfigYaml.OnePool(port, admin, "round-robin", (backend, 1)));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{node.AdminPort}/api/forecast"));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("forecasting is off: the config has no forecast section\n", await response.Content.ReadAsStringAsync());
    }
}
