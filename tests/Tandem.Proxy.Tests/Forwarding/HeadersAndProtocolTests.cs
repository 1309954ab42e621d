using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

public sealed class HeadersAndProtocolTests
{
    private static async Task<Dictionary<string, string>> HeadersSeenByServer(HttpClient client, Uri proxy, Action<HttpRequestMessage>? customize = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy, "/headers"));
        customize?.Invoke(request);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Forward_PlainRequest_AddsForwardedHeadersAndKeepsHost()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var client = TestHttp.Client();

        var headers = await HeadersSeenByServer(client, proxy.BaseAddress, r => r.Headers.Host = "shop.example");

        Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
        Assert.Equal("shop.example", headers["X-Forwarded-Host"]);
        Assert.Equal("shop.example", headers["Host"]);
    }

    [Fact]
    public async Task Forward_ClientSentForwardedHeaders_ReplacedWithoutTrustedProxies()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var client = TestHttp.Client();

        var headers = await HeadersSeenByServer(client, proxy.BaseAddress, r =>
        {
            r.Headers.Add("X-Forwarded-For", "203.0.113.7");
            r.Headers.Add("X-Forwarded-Proto", "https");
            r.Headers.Add("X-Forwarded-Host", "forged.example");
            r.Headers.Host = "shop.example";
        });

        Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
        Assert.Equal("shop.example", headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task Forward_H2cPriorKnowledgeAndHttp11_ServedOnTheSamePort()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var h1 = TestHttp.Client();
        using var h2 = TestHttp.Client(version: HttpVersion.Version20, policy: HttpVersionPolicy.RequestVersionExact);

        using var viaH2 = await h2.GetAsync(proxy.BaseAddress);
        using var viaH1 = await h1.GetAsync(proxy.BaseAddress);

        Assert.Equal(HttpVersion.Version20, viaH2.Version);
        Assert.Equal("a", await viaH2.Content.ReadAsStringAsync());
        Assert.Equal(HttpVersion.Version11, viaH1.Version);
        Assert.Equal("a", await viaH1.Content.ReadAsStringAsync());
        // The server behind speaks HTTP/1.1 whatever the client spoke.
        Assert.Equal("HTTP/1.1", a.LastProtocol);
    }

    [Fact]
    public async Task Forward_Http1OnlyListener_RefusesH2c()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()],
            p => p, l => l with { HttpVersions = HttpVersions.Http1 }));
        using var h2 = TestHttp.Client(version: HttpVersion.Version20, policy: HttpVersionPolicy.RequestVersionExact);

        await Assert.ThrowsAsync<HttpRequestException>(() => h2.GetAsync(proxy.BaseAddress));
    }

    [Fact]
    public async Task Forward_WebSocket_EchoesThroughTheProxy()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var socket = new ClientWebSocket();
        socket.Options.Proxy = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await socket.ConnectAsync(new Uri($"ws://{proxy.BaseAddress.Authority}/ws"), timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal("a:hello", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }
}
