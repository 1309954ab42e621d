using Tandem.Core.Runtime;
using Tandem.Observability.Metrics;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Metrics;

public sealed class ForecastMetricsTests
{
    [Fact]
    public async Task Scrape_PlannerOutlook_ExportsOverloadPeakCapacityAndServersNeeded()
    {
        var metrics = new TandemMetrics();
        var signals = new ForecastSignals();
        ForecastMetrics.Observe(metrics, signals);
        signals.Update(new Dictionary<string, PoolOutlook>
        {
            ["app"] = new("app", DateTimeOffset.UnixEpoch, PredictedPeak: 180, Capacity: 160, OverloadPredicted: true, ServersNeeded: 3, Action: "woke backup c"),
        });

        var samples = await ScrapeAsync(metrics);

        Assert.Equal(1, samples["tandem_forecast_overload_predicted{pool=\"app\"}"]);
        Assert.Equal(180, samples["tandem_forecast_predicted_peak_requests_per_second{pool=\"app\"}"]);
        Assert.Equal(160, samples["tandem_forecast_capacity_requests_per_second{pool=\"app\"}"]);
        Assert.Equal(3, samples["tandem_forecast_servers_needed{pool=\"app\"}"]);
    }

    [Fact]
    public async Task Scrape_PoolLeavesOutlook_SeriesGo()
    {
        var metrics = new TandemMetrics();
        var signals = new ForecastSignals();
        ForecastMetrics.Observe(metrics, signals);
        signals.Update(new Dictionary<string, PoolOutlook> { ["app"] = new("app", DateTimeOffset.UnixEpoch, 1, 2, false, 1, null) });
        await ScrapeAsync(metrics);
        signals.Update(new Dictionary<string, PoolOutlook>());

        var samples = await ScrapeAsync(metrics);

        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_forecast_", StringComparison.Ordinal));
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(TandemMetrics metrics)
    {
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
