using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Testing;
using static Tandem.Proxy.Tests.Routing.RouteConfigs;

namespace Tandem.Proxy.Tests.Routing;

/// <summary>What a matched route does: split, redirect, respond, rewrite and header changes, through a real proxy.</summary>
public sealed class RouteActionTests
{
    [Fact]
    public async Task Split_90To10_SharesWithinGenerousBounds()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false,
            new RouteConfig { Name = "canary", Split = [new SplitTarget("app", 90), new SplitTarget("v2", 10)] }));
        using var client = TestHttp.Client();

        const int requests = 1000;
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync(proxy.BaseAddress);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // 10% of 1000 has a standard deviation of about 9.5 requests: 60..140 is beyond four of them.
        Assert.Equal(requests, a.Requests + b.Requests);
        Assert.InRange(b.Requests, 60, 140);
    }

    [Fact]
    public async Task Split_WithSplitKey_EachClientStaysOnItsSide()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false,
            new RouteConfig { Name = "ab", Split = [new SplitTarget("app", 50), new SplitTarget("v2", 50)], SplitKey = new HashKey(HashKeySource.Header, "X-User") }));
        using var client = TestHttp.Client();

        var sides = new HashSet<string>();
        for (var user = 0; user < 40; user++)
        {
            var id = "user-" + user.ToString(CultureInfo.InvariantCulture);
            var first = await SendAsync(client, proxy.BaseAddress, "/x", headers: ("X-User", id));
            for (var again = 0; again < 4; again++)
            {
                Assert.Equal(first, await SendAsync(client, proxy.BaseAddress, "/x", headers: ("X-User", id)));
            }
            sides.Add(first);
        }

        Assert.Equal(["a /x", "b /x"], sides.Order());
    }

    [Fact]
    public async Task Redirect_Template_AnsweredByTandemWithLocation()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            new RouteConfig { Name = "https", Match = new RouteMatch { PathPrefix = "/old" }, Redirect = new RedirectConfig { To = "https://{host}/new{uri}", Status = 301 } }));
        using var client = TestHttp.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/old/page?x=1"));
        request.Headers.Host = "Example.com:8080";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("https://Example.com/new/old/page?x=1", response.Headers.Location!.OriginalString);
        Assert.Equal(0, a.Requests + b.Requests);
    }

    [Fact]
    public async Task Respond_FixedAnswer_StatusBodyAndTypeWithoutAServer()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            new RouteConfig
            {
                Name = "maintenance",
                Match = new RouteMatch { PathPrefix = "/shop" },
                Respond = new RespondConfig { Status = 503, Body = "<h1>back soon</h1>", ContentType = "text/html" },
                ResponseHeaders = new HeaderActions { Set = [new("Retry-After", "120")] },
            }));
        using var client = TestHttp.Client();

        using var response = await client.GetAsync(new Uri(proxy.BaseAddress, "/shop/cart"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("<h1>back soon</h1>", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("120", response.Headers.RetryAfter!.ToString());
        Assert.Equal(0, a.Requests + b.Requests);
    }

    [Fact]
    public async Task Rewrite_StripAddAndRegex_ServerSeesTheNewPathWithTheQuery()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            new RouteConfig { Name = "api", Pool = "v2", Match = new RouteMatch { PathPrefix = "/api" }, Rewrite = new RewriteConfig { StripPrefix = "/api", AddPrefix = "/v1" } },
            new RouteConfig { Name = "old", Pool = "v2", Match = new RouteMatch { PathPrefix = "/old" }, Rewrite = new RewriteConfig { PathRegex = "^/old/(.*)$", Replacement = "/new/$1" } }));
        using var client = TestHttp.Client();

        Assert.Equal("b /v1/users?id=7", await SendAsync(client, proxy.BaseAddress, "/api/users?id=7"));
        Assert.Equal("b /v1", await SendAsync(client, proxy.BaseAddress, "/api"));
        Assert.Equal("b /new/a/b", await SendAsync(client, proxy.BaseAddress, "/old/a/b"));
        Assert.Equal("a /apiary", await SendAsync(client, proxy.BaseAddress, "/apiary"));
    }

    [Fact]
    public async Task Headers_SetAddRemoveWithPlaceholders_ClientCannotForgeXRealIp()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: false,
            new RouteConfig
            {
                Name = "site",
                Pool = "v2",
                Rewrite = new RewriteConfig { Host = "internal.example" },
                RequestHeaders = new HeaderActions
                {
                    Set = [new("X-Real-IP", "{client.ip}"), new("X-Origin", "{scheme}://{host}")],
                    Add = [new("X-Via", "tandem to {server.name}")],
                    Remove = ["X-Secret"],
                },
                ResponseHeaders = new HeaderActions { Set = [new("X-Served-By", "{server.name}")], Remove = ["X-Remove-Me"] },
            }));
        using var client = TestHttp.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy.BaseAddress, "/headers"));
        request.Headers.Host = "www.example.com:8443";
        request.Headers.Add("X-Real-IP", "6.6.6.6");
        request.Headers.Add("X-Secret", "s3cret");

        using var response = await client.SendAsync(request);
        var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", seen["X-Real-IP"]);
        Assert.Equal("http://www.example.com", seen["X-Origin"]);
        Assert.Equal("tandem to b", seen["X-Via"]);
        Assert.Equal("internal.example", seen["Host"]);
        Assert.Equal("www.example.com:8443", seen["X-Forwarded-Host"]);
        Assert.False(seen.ContainsKey("X-Secret"));
        Assert.Equal("b", response.Headers.GetValues("X-Served-By").Single());
    }

    [Fact]
    public async Task WebSocket_ThroughAPathRouteWithRewrite_EchoesFromThatRoutesPool()
    {
        await using var a = await TestBackend.StartAsync("a", anyPath: true);
        await using var b = await TestBackend.StartAsync("b", anyPath: true);
        await using var proxy = await ProxyHarness.StartAsync(With(a, b, defaultPool: true,
            new RouteConfig { Name = "srt", Pool = "v2", Match = new RouteMatch { PathPrefix = "/srt" }, Rewrite = new RewriteConfig { StripPrefix = "/srt" } }));
        using var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await socket.ConnectAsync(new Uri($"ws://{proxy.BaseAddress.Authority}/srt/ws"), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("frame"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("b:frame", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }
}
