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
    [InlineData("/dashboard/missing.js")]
    [InlineData("/dashboard/..%2Fdashboard.js")]
    [InlineData("/dashboard/Dashboard.js")]
    public async Task GetAsset_NotEmbedded_404(string path)
    {
        await using var admin = await AdminHarness.StartAsync();

        using var response = await admin.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
