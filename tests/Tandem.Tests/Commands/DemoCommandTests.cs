using System.Net;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_OnGivenPorts_PrintsUrlsAlternatesSampleBackendsServesApiAndExits0OnSigterm()
    {
        int port = 0, adminPort = 0;
        using var tandem = await TandemProcess.StartServingAsync(
            () =>
            {
                var ports = FreePorts.Take(2);
                (port, adminPort) = (ports[0], ports[1]);
                return ["demo", "--port", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--admin-port", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture)];
            },
            line => line.Contains("Press Ctrl-C to stop.", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        using var client = TestHttp.Client();

        Assert.Contains(tandem.StdoutLines, line => line.Contains($"Balancer   http://127.0.0.1:{port}/", StringComparison.Ordinal));
        Assert.Contains(tandem.StdoutLines, line => line.Contains($"Dashboard  http://127.0.0.1:{adminPort}/", StringComparison.Ordinal));

        // for i in 1 2 3 4; do curl -s http://127.0.0.1:PORT/; done
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/")));
        }
        Assert.Equal(2, answers.Count(x => x == "Hello from backend a (GET /)\n"));
        Assert.Equal(2, answers.Count(x => x == "Hello from backend b (GET /)\n"));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // curl -s http://127.0.0.1:ADMIN/api/pools
        using var pools = await client.GetAsync(new Uri($"http://127.0.0.1:{adminPort}/api/pools"));
        Assert.Equal(HttpStatusCode.OK, pools.StatusCode);
        Assert.Equal("application/json", pools.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await pools.Content.ReadAsStringAsync());
        var pool = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("demo", pool.GetProperty("name").GetString());
        var servers = pool.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(["a", "b"], servers.Select(s => s.GetProperty("name").GetString()));
        Assert.All(servers, s => Assert.Equal("up", s.GetProperty("state").GetString()));

        await tandem.TerminateAsync();
        var exitCode = await tandem.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{tandem.Transcript()}");
        Assert.False(await FreePorts.IsListeningAsync(port));
        Assert.False(await FreePorts.IsListeningAsync(adminPort));
    }
}
