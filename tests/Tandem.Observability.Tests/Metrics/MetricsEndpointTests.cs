using System.Net;
using Tandem.Core.Pools;
using Tandem.Observability.Tests.Support;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Metrics;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task GetMetrics_PrometheusTextContentType()
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task GetMetrics_EveryFamily_HasHelpAndType()
    {
        await using var admin = await AdminHarness.StartAsync();
        admin.Server("app", "a").RequestStarted();
        admin.Server("app", "a").RequestCompleted(200, serverFailed: false, 0.01);
        admin.Metrics.ForListener("web").ConnectionOpened();
        admin.Metrics.ReloadApplied();

        var text = await admin.GetMetricsTextAsync();

        Assert.Contains("# TYPE tandem_requests_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_request_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_server_active_requests gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_server_up gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_server_weight gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_server_effective_weight gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_client_connections gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_client_connections_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE tandem_config_reloads_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP tandem_requests_total ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_RequestsRecorded_CountedByPoolServerAndStatusClass()
    {
        await using var admin = await AdminHarness.StartAsync();
        Complete(admin.Server("app", "a"), 200, 0.003);
        Complete(admin.Server("app", "a"), 204, 0.004);
        Complete(admin.Server("app", "a"), 404, 0.002);
        Complete(admin.Server("app", "b"), 503, 0.2);
        Complete(admin.Server("app", "b"), 301, 0.001);
        Complete(admin.Server("api", "x"), 101, 0.001);
        admin.Pool("app").Unrouted.RequestCompleted(503, 0.0001);

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(2, samples["""tandem_requests_total{pool="app",server="a",code="2xx"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="a",code="4xx"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="b",code="5xx"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="b",code="3xx"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="api",server="x",code="1xx"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="none",code="5xx"}"""]);
        // A status class a server never answered exports no series.
        Assert.False(samples.ContainsKey("""tandem_requests_total{pool="app",server="a",code="5xx"}"""));
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_requests_total{pool=\"app\",server=\"spare\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetMetrics_RequestsRecorded_DurationHistogramByPoolAndServer()
    {
        await using var admin = await AdminHarness.StartAsync();
        Complete(admin.Server("app", "a"), 200, 0.003);
        Complete(admin.Server("app", "a"), 500, 0.2);
        Complete(admin.Server("app", "a"), 200, 45);

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(3, samples["""tandem_request_duration_seconds_count{pool="app",server="a"}"""]);
        Assert.Equal(45.203, samples["""tandem_request_duration_seconds_sum{pool="app",server="a"}"""], 9);
        Assert.Equal(0, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="0.0025"}"""]);
        Assert.Equal(1, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="0.005"}"""]);
        Assert.Equal(1, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="0.1"}"""]);
        Assert.Equal(2, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="0.25"}"""]);
        Assert.Equal(2, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="30"}"""]);
        Assert.Equal(3, samples["""tandem_request_duration_seconds_bucket{pool="app",server="a",le="+Inf"}"""]);
        // Every server's histogram exists from the start, so dashboards see zero rather than nothing.
        Assert.Equal(0, samples["""tandem_request_duration_seconds_count{pool="app",server="b"}"""]);
    }

    [Fact]
    public async Task GetMetrics_RequestsInFlight_ActiveRequestsGaugeFollowsThem()
    {
        await using var admin = await AdminHarness.StartAsync();
        var a = admin.Server("app", "a");
        a.RequestStarted();
        a.RequestStarted();
        a.RequestStarted();
        a.RequestCompleted(200, serverFailed: false, 0.01);

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(2, samples["""tandem_server_active_requests{pool="app",server="a"}"""]);
        Assert.Equal(0, samples["""tandem_server_active_requests{pool="app",server="b"}"""]);

        a.RequestCompleted(200, serverFailed: false, 0.01);
        a.RequestCompleted(200, serverFailed: false, 0.01);
        samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(0, samples["""tandem_server_active_requests{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task GetMetrics_StateAndWeightChanges_GaugesShowThemAtTheNextScrape()
    {
        await using var admin = await AdminHarness.StartAsync();
        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());
        Assert.Equal(1, samples["""tandem_server_up{pool="app",server="b",state="up"}"""]);
        Assert.Equal(3, samples["""tandem_server_weight{pool="app",server="b"}"""]);

        await admin.PostAsync("/api/pools/app/servers/b", """{"weight": 11, "state": "draining"}""");
        admin.Pool("app").SetHealth(admin.Server("app", "a"), HealthStatus.Down);
        samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(0, samples["""tandem_server_up{pool="app",server="b",state="up"}"""]);
        Assert.Equal(1, samples["""tandem_server_up{pool="app",server="b",state="draining"}"""]);
        Assert.Equal(1, samples["""tandem_server_up{pool="app",server="a",state="down"}"""]);
        Assert.Equal(0, samples["""tandem_server_up{pool="app",server="a",state="up"}"""]);
        Assert.Equal(11, samples["""tandem_server_weight{pool="app",server="b"}"""]);
        Assert.Equal(11, samples["""tandem_server_effective_weight{pool="app",server="b"}"""]);
        Assert.Equal(5, samples["""tandem_server_effective_weight{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task GetMetrics_ListenerConnections_OpenGaugeAndAcceptedCounter()
    {
        await using var admin = await AdminHarness.StartAsync();
        var web = admin.Metrics.ForListener("web");
        web.ConnectionOpened();
        web.ConnectionOpened();
        web.ConnectionOpened();
        web.ConnectionClosed();

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(2, web.OpenConnections);
        Assert.Equal(2, samples["""tandem_client_connections{listener="web"}"""]);
        Assert.Equal(3, samples["""tandem_client_connections_total{listener="web"}"""]);
    }

    [Fact]
    public async Task GetMetrics_Reloads_CountedByResult()
    {
        await using var admin = await AdminHarness.StartAsync();
        admin.Metrics.ReloadApplied();
        admin.Metrics.ReloadRejected();
        admin.Metrics.ReloadRejected();

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(1, samples["""tandem_config_reloads_total{result="applied"}"""]);
        Assert.Equal(2, samples["""tandem_config_reloads_total{result="rejected"}"""]);
    }

    [Fact]
    public async Task GetMetrics_ServerRemovedByReload_ItsSeriesAreGone()
    {
        await using var admin = await AdminHarness.StartAsync();
        Complete(admin.Server("app", "b"), 200, 0.01);
        var config = AdminHarness.DefaultConfig();
        var app = config.Pools[0];
        admin.Pools.Apply([app with { Servers = [app.Servers[0]] }, config.Pools[1]]);

        var text = await admin.GetMetricsTextAsync();

        Assert.DoesNotContain("server=\"b\"", text, StringComparison.Ordinal);
        Assert.Contains("""tandem_server_weight{pool="app",server="a"} 5""", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_ServerKeptByReload_CountersContinue()
    {
        await using var admin = await AdminHarness.StartAsync();
        Complete(admin.Server("app", "a"), 200, 0.01);
        var config = AdminHarness.DefaultConfig();
        admin.Pools.Apply(config.Pools);
        Complete(admin.Server("app", "a"), 200, 0.01);

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        Assert.Equal(2, samples["""tandem_requests_total{pool="app",server="a",code="2xx"}"""]);
        Assert.Equal(2, samples["""tandem_request_duration_seconds_count{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task GetMetrics_ServerMovedToANewAddressByReload_StillExportsItsRequests()
    {
        await using var admin = await AdminHarness.StartAsync();
        Complete(admin.Server("app", "a"), 200, 0.01);
        var config = AdminHarness.DefaultConfig();
        var app = config.Pools[0];
        var moved = app.Servers[0] with { Address = new Core.Config.HostPort("127.0.0.1", 9901) };
        admin.Pools.Apply([app with { Servers = [moved, .. app.Servers.Skip(1)] }, config.Pools[1]]);
        Complete(admin.Server("app", "a"), 200, 0.02);
        Complete(admin.Server("app", "a"), 500, 0.02);

        var samples = PrometheusText.Parse(await admin.GetMetricsTextAsync());

        // The new server of the same name records under the same labels as the old one did.
        Assert.Equal(3, samples["""tandem_request_duration_seconds_count{pool="app",server="a"}"""]);
        Assert.Equal(1, samples["""tandem_requests_total{pool="app",server="a",code="5xx"}"""]);
        Assert.Equal(2, samples["""tandem_requests_total{pool="app",server="a",code="2xx"}"""]);
    }

    [Fact]
    public async Task GetMetrics_PoolRemovedByReload_ItsUnroutedSeriesAreGone()
    {
        await using var admin = await AdminHarness.StartAsync();
        admin.Pool("api").Unrouted.RequestCompleted(503, 0.001);
        admin.Pools.Apply([AdminHarness.DefaultConfig().Pools[0]]);

        var text = await admin.GetMetricsTextAsync();

        Assert.DoesNotContain("pool=\"api\"", text, StringComparison.Ordinal);
    }

    private static void Complete(ServerState server, int status, double seconds)
    {
        server.RequestStarted();
        server.RequestCompleted(status, serverFailed: status >= 500, seconds);
    }
}
