using System.Net;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Dashboard;

public sealed class DashboardTests
{
    [Fact]
    public async Task GetRoot_ServesTheDashboardHtmlLinkingItsAssets()
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains("<title>Tandem</title>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/dashboard.css\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/dashboard/dashboard.js\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/dashboard.js", "text/javascript; charset=utf-8", "/api/pools")]
    [InlineData("/dashboard/dashboard.css", "text/css; charset=utf-8", "{")]
    [InlineData("/dashboard/index.html", "text/html; charset=utf-8", "<title>Tandem</title>")]
    public async Task GetAsset_ServedWithItsContentTypeAndLength(string path, string contentType, string excerpt)
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri(path, UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Contains(excerpt, System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8", "public, max-age=86400")]
    [InlineData("/dashboard/vendor/uPlot.min.css", "text/css; charset=utf-8", "public, max-age=86400")]
    [InlineData("/dashboard/api.js", "text/javascript; charset=utf-8", "no-cache")]
    [InlineData("/dashboard/charts.js", "text/javascript; charset=utf-8", "no-cache")]
    [InlineData("/dashboard/panels.js", "text/javascript; charset=utf-8", "no-cache")]
    [InlineData("/dashboard/dom.js", "text/javascript; charset=utf-8", "no-cache")]
    public async Task GetAsset_ModulesAndVendoredChartLibrary_ServedWithTypeAndCaching(string path, string contentType, string cacheControl)
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(cacheControl, response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Content.Headers.ContentLength > 100);
    }

    [Fact]
    public async Task GetAsset_IfNoneMatchCurrentETag_304WithoutBody()
    {
        await using var admin = await AdminHarness.StartAsync();
        using var first = await admin.Client.GetAsync(new Uri("/dashboard/dashboard.js", UriKind.Relative));
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/dashboard.js", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await admin.Client.SendAsync(request);
        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/dashboard.js", UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"0000\""));
        using var third = await admin.Client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task GetRoot_LoadsTheVendoredChartLibraryNotACdn()
    {
        await using var admin = await AdminHarness.StartAsync();

        var html = await admin.Client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Contains("src=\"/dashboard/vendor/uPlot.iife.min.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dashboard/missing.js")]
    [InlineData("/dashboard/vendor/missing.js")]
    [InlineData("/dashboard/vendor/")]
    [InlineData("/dashboard/..%2Fdashboard.js")]
    [InlineData("/dashboard/Dashboard.js")]
    public async Task GetAsset_NotEmbedded_404(string path)
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
