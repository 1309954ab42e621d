using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;
using Xunit.Abstractions;

namespace Tandem.Tests.Hosting;

/// <summary>A real node with real backends, health checks every 200 ms and a webhook receiver: alerts end to end.</summary>
public sealed class AlertsNodeTests(ITestOutputHelper output)
{
    private const int HealthIntervalMs = 200;
    private const int Fall = 2;

    private static string Yaml(int port, int adminPort, TestBackend a, int bPort, Uri webhook, string forTime = "2s") =>
        string.Create(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: web
                bind: 127.0.0.1:{port}
                pool: app
            admin:
              bind: 127.0.0.1:{adminPort}
            pools:
              - name: app
                servers:
                  - name: a
                    address: 127.0.0.1:{a.Port}
                  - name: b
                    address: 127.0.0.1:{bPort}
                health:
                  path: /healthz
                  interval: {HealthIntervalMs}ms
                  timeout: 150ms
                  rise: 1
                  fall: {Fall}
            alerts:
              webhook: {webhook}
              node: edge-1
              rules:
                - name: ServerDown
                  level: critical
                  condition: server-down
                  for: {forTime}
            """);

    [Fact]
    public async Task ServerStops_FiringAlertWithLabelsWithinBound_ResolvedAfterRestart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = await TestBackend.StartAsync("a");
        var b = await TestBackend.StartAsync("b");
        var bPort = b.Port;
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a, bPort, receiver.Url));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Node.Pools.Find("app")!.UsableCount == 2), TimeSpan.FromSeconds(10)),
            "both servers never came up");

        var stoppedAt = TimeProvider.System.GetUtcNow();
        var stopped = Stopwatch.StartNew();
        await b.DisposeAsync();
        var stopTook = stopped.Elapsed;
        var (_, firing) = await receiver.NextAsync(TimeSpan.FromSeconds(30));
        var firedAfter = stopped.Elapsed;
        var down = node.Node.Pools.Find("app")!.FindServer("b")!.LastChange;
        output.WriteLine($"stopping the backend took {stopTook.TotalMilliseconds:F0} ms; marked down after {(down!.At - stoppedAt).TotalMilliseconds:F0} ms: {down.Reason}");
        foreach (var step in node.Node.Alerting.Engine.View().Recent)
        {
            output.WriteLine($"  {step.State} after {(step.Since - stoppedAt).TotalMilliseconds:F0} ms");
        }

        // for: 2s + fall x interval + one evaluation (1 s), plus a generous margin for a busy machine.
        var bound = TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(Fall * HealthIntervalMs) + TimeSpan.FromSeconds(1);
        output.WriteLine($"firing alert arrived {firedAfter.TotalMilliseconds:F0} ms after the server stopped (nominal bound {bound.TotalMilliseconds:F0} ms)");
        Assert.True(firedAfter >= TimeSpan.FromSeconds(2), $"fired before its 'for': {firedAfter}");
        Assert.True(firedAfter <= bound + TimeSpan.FromSeconds(3), $"fired after {firedAfter}, bound {bound} + 3 s margin");
        Assert.Equal("firing", firing.GetProperty("status").GetString());
        var alert = firing.GetProperty("alerts")[0];
        var labels = alert.GetProperty("labels");
        Assert.Equal(("ServerDown", "critical", "app", "b", "edge-1"),
            (labels.GetProperty("alertname").GetString(), labels.GetProperty("severity").GetString(), labels.GetProperty("pool").GetString(),
             labels.GetProperty("server").GetString(), labels.GetProperty("node").GetString()));

        using var http = new HttpClient();
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{node.AdminPort}/api/alerts"));
        var shown = view.GetProperty("firing")[0];
        Assert.Equal(("ServerDown", "critical", "firing", "b"),
            (shown.GetProperty("name").GetString(), shown.GetProperty("level").GetString(), shown.GetProperty("state").GetString(),
             shown.GetProperty("labels").GetProperty("server").GetString()));

        var restarted = Stopwatch.StartNew();
        await using var again = await TestBackend.StartAsync("b", bPort);
        var (_, resolved) = await receiver.NextAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"resolved notification arrived {restarted.Elapsed.TotalMilliseconds:F0} ms after the server restarted");
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(alert.GetProperty("fingerprint").GetString(), resolved.GetProperty("alerts")[0].GetProperty("fingerprint").GetString());
        Assert.True(resolved.GetProperty("alerts")[0].GetProperty("endsAt").GetDateTimeOffset() > alert.GetProperty("startsAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task WebhookFailsTwice_AlertArrivesOnTheThirdTry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 2;
        await using var a = await TestBackend.StartAsync("a");
        var b = await TestBackend.StartAsync("b");
        var bPort = b.Port;
        await b.DisposeAsync();
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a, bPort, receiver.Url, forTime: "0s"));

        // Backoff 1 s then 2 s: the third attempt comes about 3 s after the first.
        var (_, body) = await receiver.NextAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, receiver.Attempts);
        Assert.Equal("b", body.GetProperty("alerts")[0].GetProperty("labels").GetProperty("server").GetString());
    }

    [Fact]
    public async Task Reload_RulesChanged_NewRulesInForce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = await TestBackend.StartAsync("a");
        var b = await TestBackend.StartAsync("b");
        var bPort = b.Port;
        await b.DisposeAsync();
        await using var node = await NodeHarness.StartAsync((port, admin) => Yaml(port, admin, a, bPort, receiver.Url, forTime: "1h"));
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(node.Node.Alerting.Engine.Rules).For);

        node.Rewrite((port, admin) => Yaml(port, admin, a, bPort, receiver.Url, forTime: "0s"));
        var (_, body) = await receiver.NextAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("firing", body.GetProperty("status").GetString());
        Assert.Equal(TimeSpan.Zero, Assert.Single(node.Node.Alerting.Engine.Rules).For);
    }
}
