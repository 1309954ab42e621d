using System.Net;
using System.Text;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Metrics;

/// <summary>The per-request series after real requests through a real proxy to real backends.</summary>
public sealed class RequestMetricsTests
{
    [Fact]
    public async Task Forward_MixedRequests_CountedByListenerMethodAndStatusClass()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]));

        for (var i = 0; i < 3; i++)
        {
            (await proxy.Client.GetAsync(new Uri("/", UriKind.Relative))).Dispose();
        }
        (await proxy.Client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("hi"))).Dispose();
        (await proxy.Client.GetAsync(new Uri("/status/404", UriKind.Relative))).Dispose();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri("/", UriKind.Relative));
        (await proxy.Client.SendAsync(delete)).Dispose();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri("/", UriKind.Relative));
        (await proxy.Client.SendAsync(patch)).Dispose();

        var samples = await proxy.ScrapeAsync();
        Assert.Equal(3, samples["""tandem_listener_requests_total{listener="web",method="GET",code="2xx"}"""]);
        Assert.Equal(1, samples["""tandem_listener_requests_total{listener="web",method="POST",code="2xx"}"""]);
        Assert.Equal(1, samples["""tandem_listener_requests_total{listener="web",method="GET",code="4xx"}"""]);
        // The backend maps DELETE and PATCH on "/" to nothing: 405 from the server, counted by method class.
        Assert.Equal(1, samples["""tandem_listener_requests_total{listener="web",method="DELETE",code="4xx"}"""]);
        Assert.Equal(1, samples["""tandem_listener_requests_total{listener="web",method="other",code="4xx"}"""]);
        Assert.Equal(0, samples["""tandem_listener_requests_in_flight{listener="web"}"""]);
        Assert.Equal(7, samples["""tandem_requests_total{pool="app",server="a",code="2xx"}"""] + samples["""tandem_requests_total{pool="app",server="a",code="4xx"}"""]);
    }

    [Fact]
    public async Task Forward_Requests_UpstreamAndOverheadHistogramsSplitTheTotal()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]));

        for (var i = 0; i < 4; i++)
        {
            (await proxy.Client.GetAsync(new Uri("/delay/50", UriKind.Relative))).Dispose();
        }

        var samples = await proxy.ScrapeAsync();
        Assert.Equal(4, samples["""tandem_upstream_duration_seconds_count{pool="app",server="a"}"""]);
        Assert.Equal(4, samples["""tandem_proxy_overhead_seconds_count{pool="app",server="a"}"""]);
        var total = samples["""tandem_request_duration_seconds_sum{pool="app",server="a"}"""];
        var upstream = samples["""tandem_upstream_duration_seconds_sum{pool="app",server="a"}"""];
        var overhead = samples["""tandem_proxy_overhead_seconds_sum{pool="app",server="a"}"""];
        // Four 50 ms waits are the server's time; the total histogram ends with the attempt, a hair before the upstream clock.
        Assert.InRange(upstream, 0.2, total + 0.01);
        Assert.InRange(overhead, 0, total - upstream + 0.05);
        Assert.True(overhead < upstream, $"overhead {overhead} s should be far below the server's {upstream} s");
    }

    [Fact]
    public async Task Forward_Bodies_BytesCountedByPoolAndServer()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]));

        (await proxy.Client.PostAsync(new Uri("/upload", UriKind.Relative), new ByteArrayContent(new byte[3000]))).Dispose();
        // A chunked response (no Content-Length) is counted as sent.
        using var stream = await proxy.Client.GetAsync(new Uri("/stream/100000", UriKind.Relative));
        Assert.Equal(100_000, (await stream.Content.ReadAsByteArrayAsync()).Length);

        var samples = await proxy.ScrapeAsync();
        Assert.Equal(3000, samples["""tandem_request_bytes_total{pool="app",server="a"}"""]);
        Assert.Equal(100_000 + "3000".Length, samples["""tandem_response_bytes_total{pool="app",server="a"}"""]);
    }

    [Fact]
    public async Task Forward_DeadServerFirst_RetryCountedByPoolAndReason()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([TestConfig.DeadServer(), a.ServerConfig()]));

        using var response = await proxy.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var samples = await proxy.ScrapeAsync();
        Assert.Equal(1, samples["""tandem_retries_total{pool="app",reason="connect-failed"}"""]);
        Assert.Equal(1, samples["""tandem_listener_requests_total{listener="web",method="GET",code="2xx"}"""]);
    }

    [Fact]
    public async Task Forward_ServerFull_QueuedRequestShownPerPool()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig() with { MaxConnections = 1 }]));
        Assert.Equal(0, (await proxy.ScrapeAsync())["""tandem_pool_queued_requests{pool="app"}"""]);

        var first = proxy.Client.GetAsync(new Uri("/delay/1500", UriKind.Relative));
        Assert.True(await TestHttp.WaitUntilAsync(async () => (await proxy.ScrapeAsync())["""tandem_listener_requests_in_flight{listener="web"}"""] == 1,
            TimeSpan.FromSeconds(5)));
        var second = proxy.Client.GetAsync(new Uri("/", UriKind.Relative));
        var queued = await TestHttp.WaitUntilAsync(async () => (await proxy.ScrapeAsync())["""tandem_pool_queued_requests{pool="app"}"""] == 1,
            TimeSpan.FromSeconds(5));

        Assert.True(queued, "the second request should wait in the pool's queue");
        Assert.Equal(2, (await proxy.ScrapeAsync())["""tandem_listener_requests_in_flight{listener="web"}"""]);
        (await first).Dispose();
        (await second).Dispose();
        Assert.Equal(0, (await proxy.ScrapeAsync())["""tandem_pool_queued_requests{pool="app"}"""]);
    }

    [Fact]
    public async Task Forward_MetricsDisabled_NoPerRequestSeries()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]), metrics: new MetricsConfig { Enabled = false });

        (await proxy.Client.GetAsync(new Uri("/", UriKind.Relative))).Dispose();

        var samples = await proxy.ScrapeAsync();
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_listener_requests_total{", StringComparison.Ordinal));
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("tandem_requests_total{", StringComparison.Ordinal));
        Assert.Equal(0, samples["""tandem_upstream_duration_seconds_count{pool="app",server="a"}"""]);
        // State gauges are read at scrape time and stay.
        Assert.Equal(1, samples["""tandem_server_up{pool="app",server="a",state="up"}"""]);
    }

    [Fact]
    public async Task Forward_MethodLabelOff_EveryMethodCountedAsAny()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([a.ServerConfig()]), metrics: new MetricsConfig { MethodLabel = false });

        (await proxy.Client.GetAsync(new Uri("/", UriKind.Relative))).Dispose();
        (await proxy.Client.PostAsync(new Uri("/echo", UriKind.Relative), new StringContent("x", Encoding.UTF8))).Dispose();

        var samples = await proxy.ScrapeAsync();
        Assert.Equal(2, samples["""tandem_listener_requests_total{listener="web",method="any",code="2xx"}"""]);
    }
}
