using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Metrics;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Metrics;

public sealed class TandemMetricsTests
{
    [Fact]
    public async Task Create_SameServerTwice_DisposingOneKeepsTheSeriesOfTheOther()
    {
        var metrics = new TandemMetrics();
        var first = metrics.Create("app", "a");
        var second = metrics.Create("app", "a");
        first.RequestCompleted(200, 0.01);

        first.Dispose();
        second.RequestCompleted(200, 0.01);

        var samples = await ScrapeAsync(metrics);
        Assert.Equal(2, samples["""tandem_requests_total{pool="app",server="a",code="2xx"}"""]);
        Assert.Equal(2, samples["""tandem_request_duration_seconds_count{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task Dispose_Twice_CountsAsOneOwnerGone()
    {
        var metrics = new TandemMetrics();
        var first = metrics.Create("app", "a");
        var second = metrics.Create("app", "a");

        first.Dispose();
        first.Dispose();
        second.RequestCompleted(200, 0.01);

        var samples = await ScrapeAsync(metrics);
        Assert.Equal(1, samples["""tandem_request_duration_seconds_count{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task Dispose_LastOwner_SeriesGone()
    {
        var metrics = new TandemMetrics();
        var telemetry = metrics.Create("app", "a");
        telemetry.RequestCompleted(404, 0.01);

        telemetry.Dispose();

        Assert.DoesNotContain(await ScrapeAsync(metrics), s => s.Key.Contains("server=\"a\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_ServerNamedNoneRemoved_UnroutedRequestsStillExported()
    {
        var metrics = new TandemMetrics();
        var pools = new PoolRegistry(metrics);
        var none = new ServerConfig { Name = "none", Address = new HostPort("127.0.0.1", 9001) };
        var a = new ServerConfig { Name = "a", Address = new HostPort("127.0.0.1", 9002) };
        pools.Apply([new PoolConfig { Name = "app", Servers = [none, a] }]);

        pools.Apply([new PoolConfig { Name = "app", Servers = [a] }]);
        pools.Find("app")!.Unrouted.RequestCompleted(503, 0.001);

        var samples = await ScrapeAsync(metrics);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="none",code="5xx"}"""]);
        Assert.Equal(1, samples["""tandem_request_duration_seconds_count{pool="app",server="none"}"""]);
    }

    [Theory]
    [InlineData(100, "1xx")]
    [InlineData(199, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(302, "3xx")]
    [InlineData(499, "4xx")]
    [InlineData(504, "5xx")]
    public async Task RequestCompleted_StatusCode_CountedInItsClass(int status, string code)
    {
        var metrics = new TandemMetrics();
        using var telemetry = metrics.Create("app", "a");

        telemetry.RequestCompleted(status, 0.01);

        var samples = await ScrapeAsync(metrics);
        Assert.Equal(1, samples[$$"""tandem_requests_total{pool="app",server="a",code="{{code}}"}"""]);
        Assert.Single(samples, s => s.Key.StartsWith("tandem_requests_total", StringComparison.Ordinal));
    }

    private static async Task<Dictionary<string, double>> ScrapeAsync(TandemMetrics metrics)
    {
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
