using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding;

/// <summary>
/// One test per class of client fault: whatever a client sends or does, the server stays up, its failure count stays 0
/// and Tandem writes no warning. (Issue 14: a UTF-8 header value used to be a 502, retried, and ejected servers.)
/// </summary>
public sealed class ClientFaultTests
{
    private static void AssertUntouched(ProxyHarness proxy, params string[] servers)
    {
        var pool = proxy.Pools.Find("app")!;
        foreach (var name in servers)
        {
            var server = pool.FindServer(name)!;
            Assert.True(server.IsUsable, $"{name} should still be up");
            Assert.Equal(0, server.Failures);
            Assert.Equal(0, server.ConsecutiveFailures);
        }
        Assert.DoesNotContain(proxy.Logs.Lines, l => l.Level >= LogLevel.Warning && l.Category.StartsWith("Tandem", StringComparison.Ordinal));
    }

    private static HttpClient Utf8Client(Version version)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        return new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(15),
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    private static HttpRequestMessage Utf8Request(Uri proxy, Version? version = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(proxy, "/headers"))
        {
            Version = version ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("X-Name", "José");
        request.Headers.TryAddWithoutValidation("User-Agent", "café/1.0");
        request.Headers.TryAddWithoutValidation("Cookie", "name=Zoë");
        return request;
    }

    private static async Task WaitIdleAsync(ProxyHarness proxy, params string[] servers)
    {
        var pool = proxy.Pools.Find("app")!;
        await TestHttp.WaitUntilAsync(() => Task.FromResult(servers.All(s => pool.FindServer(s)!.InFlight == 0)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Forward_Utf8HeaderValues1000Requests_All200EveryServerUpNoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig(), b.ServerConfig()));
        using var client = Utf8Client(HttpVersion.Version11);

        using (var first = await client.SendAsync(Utf8Request(proxy.BaseAddress)))
        {
            var seen = JsonSerializer.Deserialize<Dictionary<string, string>>(await first.Content.ReadAsStringAsync())!;
            Assert.Equal("José", seen["X-Name"]);
            Assert.Equal("café/1.0", seen["User-Agent"]);
            Assert.Equal("name=Zoë", seen["Cookie"]);
        }
        var statuses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var codes = new List<HttpStatusCode>();
            for (var i = 0; i < 250; i++)
            {
                using var request = Utf8Request(proxy.BaseAddress);
                using var response = await client.SendAsync(request);
                codes.Add(response.StatusCode);
            }
            return codes;
        }));

        Assert.All(statuses.SelectMany(s => s), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1001, a.Requests + b.Requests);
        AssertUntouched(proxy, "a", "b");
    }

    [Fact]
    public async Task Forward_Utf8HeaderValueOverH2c_PassedThroughNoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));
        using var client = Utf8Client(HttpVersion.Version20);

        for (var i = 0; i < 6; i++)
        {
            using var request = Utf8Request(proxy.BaseAddress, HttpVersion.Version20);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpVersion.Version20, response.Version);
            var seen = new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!,
                StringComparer.OrdinalIgnoreCase);
            Assert.Equal("José", seen["X-Name"]);
        }
        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_NonAsciiHeadersReject_400FromTandemServerNeverAsked()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p,
            l => l with { NonAsciiHeaders = NonAsciiHeaders.Reject }));

        for (var i = 0; i < 6; i++)
        {
            var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Name: Jos\u00c3\u00a9\r\n\r\n"));
            Assert.Equal(400, RawHttp.StatusOf(response));
        }
        var ascii = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nX-Name: Jose\r\n\r\n"));
        Assert.Equal(200, RawHttp.StatusOf(ascii));
        Assert.Equal(1, a.Requests);
        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_ClientAbortsMidBody_ServerStaysUpNoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));

        for (var i = 0; i < 6; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, proxy.BaseAddress.Port);
            await socket.SendAsync(RawHttp.Bytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + new string('x', 1000)));
            await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests > i), TimeSpan.FromSeconds(5));
            socket.Close(0);
        }
        await WaitIdleAsync(proxy, "a");

        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_GarbledChunkedBody_400NoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));

        for (var i = 0; i < 6; i++)
        {
            var response = await RawHttp.ExchangeAsync(proxy.BaseAddress,
                RawHttp.Bytes("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nhello\r\n0\r\n\r\n"));
            Assert.Equal(400, RawHttp.StatusOf(response));
        }
        await WaitIdleAsync(proxy, "a");

        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_DeclaredBodyOverMaxBody_413WithoutReadingOrForwarding()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p,
            l => l with { MaxBody = 1024 }));

        // Only the head is sent: a proxy that read the body first would wait here until the timeout.
        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress,
            RawHttp.Bytes("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"), TimeSpan.FromSeconds(5));

        Assert.Equal(413, RawHttp.StatusOf(response));
        Assert.Contains("Connection: close", response, StringComparison.Ordinal);
        Assert.Equal(0, a.Requests);
        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_ChunkedBodyOverMaxBody_413NoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p,
            l => l with { MaxBody = 1024 }));
        var chunk = "400\r\n" + new string('x', 1024) + "\r\n";

        for (var i = 0; i < 6; i++)
        {
            var response = await RawHttp.ExchangeAsync(proxy.BaseAddress,
                RawHttp.Bytes("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + "0\r\n\r\n"));
            Assert.Equal(413, RawHttp.StatusOf(response));
        }
        await WaitIdleAsync(proxy, "a");

        AssertUntouched(proxy, "a");
    }

    [Fact]
    public async Task Forward_BodyAtMaxBody_Forwarded()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()], p => p,
            l => l with { MaxBody = 1024 }));
        using var client = TestHttp.Client();

        using var response = await client.PostAsync(new Uri(proxy.BaseAddress, "/upload"), new ByteArrayContent(new byte[1024]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1024", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forward_ClientLeavesDuringResponse_ServerStaysUpNoFailures()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, a.ServerConfig()));

        for (var i = 0; i < 6; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, proxy.BaseAddress.Port);
            await socket.SendAsync(RawHttp.Bytes("GET /stream/100000000 HTTP/1.1\r\nHost: x\r\n\r\n"));
            var buffer = new byte[16 * 1024];
            await socket.ReceiveAsync(buffer);
            socket.Close(0);
        }
        await WaitIdleAsync(proxy, "a");

        AssertUntouched(proxy, "a");
    }
}
