using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>A route's <c>errors</c> pages in place of Tandem's answers and, with <c>intercept</c>, the server's.</summary>
public sealed class RouteErrorPageTests
{
    private const string BadGatewayPage = "<h1>We are on it (502)</h1>\n";
    private const string UnavailablePage = "<h1>Back soon (503)</h1>\n";

    private static TandemConfig Config(ServerConfig server, bool intercept) => new()
    {
        Listeners =
        [
            new ListenerConfig
            {
                Name = "web", Bind = new HostPort("127.0.0.1", 0), Pool = "app",
                Routes =
                [
                    new RouteConfig
                    {
                        Name = "site", Match = new RouteMatch { PathPrefix = "/site" }, Pool = "app",
                        Errors = new ErrorPagesConfig
                        {
                            Pages = [new ErrorPage(502, "502.html", BadGatewayPage), new ErrorPage(503, "503.html", UnavailablePage)],
                            Intercept = intercept,
                        },
                    },
                ],
            },
        ],
        Pools = [new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = [server], Retries = 0 }],
        Version = "test",
    };

    private static async Task<(HttpStatusCode Status, string? Type, string Body)> GetAsync(ProxyHarness proxy, string path)
    {
        using var response = await proxy.Client.GetAsync(new Uri(proxy.BaseAddress, path));
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Errors_DeadServer_TandemAnswers502WithThePageAsHtml()
    {
        await using var proxy = await ProxyHarness.StartAsync(Config(TestConfig.DeadServer(), intercept: false));

        var onRoute = await GetAsync(proxy, "/site/x");
        var elsewhere = await GetAsync(proxy, "/other");

        Assert.Equal((HttpStatusCode.BadGateway, "text/html; charset=utf-8", BadGatewayPage), onRoute);
        Assert.Equal(HttpStatusCode.BadGateway, elsewhere.Status);
        Assert.Equal("text/plain; charset=utf-8", elsewhere.Type);
    }

    [Fact]
    public async Task Errors_WithoutIntercept_ServerErrorPassesThrough()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(Config(a.ServerConfig(), intercept: false));

        var answer = await GetAsync(proxy, "/status/503");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("a", answer.Body);
    }

    [Fact]
    public async Task Errors_Intercept_ServerErrorsWithAPageReplacedOthersPassed()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        var config = Config(a.ServerConfig(), intercept: true);
        // The backend's /status/{code} is under the route's prefix once rewritten: route /site/status/503 -> /status/503.
        var route = config.Listeners[0].Routes![0] with { Rewrite = new RewriteConfig { StripPrefix = "/site" } };
        await using var proxy = await ProxyHarness.StartAsync(config with { Listeners = [config.Listeners[0] with { Routes = [route] }] });

        var replaced = await GetAsync(proxy, "/site/status/503");
        var notFound = await GetAsync(proxy, "/site/status/404");
        var fine = await GetAsync(proxy, "/site/page");
        var elsewhere = await GetAsync(proxy, "/status/503");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "text/html; charset=utf-8", UnavailablePage), replaced);
        Assert.Equal((HttpStatusCode.NotFound, "a"), (notFound.Status, notFound.Body));
        Assert.Equal((HttpStatusCode.OK, "a /page"), (fine.Status, fine.Body));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "a"), (elsewhere.Status, elsewhere.Body));
        Assert.Equal(4, a.Requests);
    }
}
