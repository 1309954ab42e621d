using System.Globalization;
using System.Net;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>
/// A pool of one server and no <c>health</c> section on a running node: passive checks take the failing server down
/// despite <c>max-ejection-percent</c>, clients get a fast 503, <c>/api/pools</c> says why, and the server takes
/// traffic again once its ejection time is over.
/// </summary>
public sealed class LoneServerEjectionTests
{
    private static string Yaml(int port, int adminPort, int backendPort) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
          - name: web
            bind: 127.0.0.1:{port}
            pool: app
        admin:
          bind: 127.0.0.1:{adminPort}
        pools:
          - name: app
            passive:
              consecutive-failures: 3
              ejection-time: 5s
            servers:
              - name: only
                address: 127.0.0.1:{backendPort}

        """);

    [Fact]
    public async Task Forward_LoneServerKeepsFailing_DownWithReasonFast503ThenBackAfterEjectionTime()
    {
        var backend = await TestBackend.StartAsync("only");
        var backendPort = backend.Port;
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, backendPort));
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        Assert.Equal("only", await client.GetStringAsync(node.ProxyUri));

        await backend.DisposeAsync();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync(node.ProxyUri);
            answers.Add(response.StatusCode);
        }

        // Three failed attempts (502: connection refused), then the server is out and the pool answers 503 itself.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadGateway, 3), .. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 7)], answers);
        var server = await ServerJsonAsync(client, node.AdminPort);
        Assert.Equal("down", server.GetProperty("state").GetString());
        Assert.Equal("ejected for 5 s after 3 server failures in a row", server.GetProperty("lastChange").GetProperty("reason").GetString());
        // The 503 is the node's own answer for a pool with no usable server: no connect attempt, no wait.
        using (var response = await client.GetAsync(node.ProxyUri))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("no server is available", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Contains(node.Logs.Lines, l => l.Message.StartsWith("app/only is now down: ejected for 5 s", StringComparison.Ordinal));

        await using var back = await TestBackend.StartAsync("only", backendPort);
        var served = await TestHttp.WaitUntilAsync(async () =>
        {
            using var response = await client.GetAsync(node.ProxyUri);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));

        Assert.True(served, "the server did not take traffic again after its ejection time");
        server = await ServerJsonAsync(client, node.AdminPort);
        Assert.Equal("up", server.GetProperty("state").GetString());
        Assert.Equal("readmitted: its ejection time is over", server.GetProperty("lastChange").GetProperty("reason").GetString());
    }

    private static async Task<JsonElement> ServerJsonAsync(HttpClient client, int adminPort)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri($"http://127.0.0.1:{adminPort}/api/pools")));
        var pool = json.RootElement.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "app");
        return pool.GetProperty("servers")[0].Clone();
    }
}
