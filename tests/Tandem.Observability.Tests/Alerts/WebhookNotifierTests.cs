using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Observability.Alerts;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Alerts;

public sealed class WebhookNotifierTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AlertNotice Notice(string status = "firing") => new(status,
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = "ServerDown", ["node"] = "n1", ["pool"] = "app", ["server"] = "b", ["severity"] = "critical",
        },
        "a server down", "server b of pool app is down", Start, status == "resolved" ? Start.AddMinutes(1) : null, "0123456789abcdef");

    [Fact]
    public async Task Enqueue_Firing_PostsAlertmanagerVersion4Body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var notifier = new AlertNotifier([receiver.Url], "http://127.0.0.1:9090", TimeProvider.System, NullLogger.Instance);

        notifier.Enqueue(Notice());
        var (_, body) = await receiver.NextAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("4", body.GetProperty("version").GetString());
        Assert.Equal("firing", body.GetProperty("status").GetString());
        Assert.Equal("tandem", body.GetProperty("receiver").GetString());
        Assert.Equal("http://127.0.0.1:9090", body.GetProperty("externalURL").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("groupKey").GetString()));
        Assert.Equal(JsonValueKind.Object, body.GetProperty("groupLabels").ValueKind);
        Assert.Equal("b", body.GetProperty("commonLabels").GetProperty("server").GetString());
        Assert.Equal("a server down", body.GetProperty("commonAnnotations").GetProperty("summary").GetString());
        var alert = Assert.Single(body.GetProperty("alerts").EnumerateArray().ToList());
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        foreach (var (label, value) in Notice().Labels)
        {
            Assert.Equal(value, alert.GetProperty("labels").GetProperty(label).GetString());
        }
        Assert.Equal("server b of pool app is down", alert.GetProperty("annotations").GetProperty("description").GetString());
        Assert.Equal(Start, alert.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal("0001-01-01T00:00:00Z", alert.GetProperty("endsAt").GetString());
        Assert.Equal("2025-03-01T12:00:00Z", alert.GetProperty("startsAt").GetString());
        Assert.Equal("http://127.0.0.1:9090/api/alerts", alert.GetProperty("generatorURL").GetString());
        Assert.Equal("0123456789abcdef", alert.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task Enqueue_ReceiverFailsTwice_DeliveredOnTheThirdAttempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 2;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var options = new WebhookOptions { FirstBackoff = TimeSpan.FromMilliseconds(50), Attempts = 4 };
        await using var notifier = new AlertNotifier([receiver.Url], "http://127.0.0.1:9090", TimeProvider.System, NullLogger.Instance,
            new AlertMetrics(registry), options);

        notifier.Enqueue(Notice("resolved"));
        var (_, body) = await receiver.NextAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, receiver.Attempts);
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal(Start.AddMinutes(1), body.GetProperty("alerts")[0].GetProperty("endsAt").GetDateTimeOffset());
        // The body reaches the receiver before its 200 reaches the sender, which then counts it.
        var samples = await Scrape.SamplesAsync(registry);
        for (var i = 0; i < 100 && !samples.ContainsKey("tandem_alert_notifications_total{result=\"sent\"}"); i++)
        {
            await Task.Delay(50);
            samples = await Scrape.SamplesAsync(registry);
        }
        Assert.Equal(1, samples["tandem_alert_notifications_total{result=\"sent\"}"]);
        Assert.Equal(2, samples["tandem_alert_notifications_total{result=\"retried\"}"]);
    }

    [Fact]
    public async Task Enqueue_ReceiverAlwaysFails_GivesUpAfterTheAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = int.MaxValue;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var options = new WebhookOptions { FirstBackoff = TimeSpan.FromMilliseconds(20), Attempts = 3 };
        await using (var notifier = new AlertNotifier([receiver.Url], "http://x", TimeProvider.System, NullLogger.Instance, new AlertMetrics(registry), options))
        {
            notifier.Enqueue(Notice());
            for (var i = 0; i < 200 && receiver.Attempts < 3; i++)
            {
                await Task.Delay(50);
            }
            await Task.Delay(200);
        }

        Assert.Equal(3, receiver.Attempts);
        var samples = await Scrape.SamplesAsync(registry);
        Assert.Equal(1, samples["tandem_alert_notifications_total{result=\"failed\"}"]);
    }

    [Fact]
    public async Task Enqueue_DeadWebhook_NeverBlocksTheCaller()
    {
        // Nothing listens on port 9 of loopback: every attempt fails at connect.
        var options = new WebhookOptions { FirstBackoff = TimeSpan.FromSeconds(10), QueueSize = 4 };
        await using var notifier = new AlertNotifier([new Uri("http://127.0.0.1:9/hook")], "http://x", TimeProvider.System, NullLogger.Instance, null, options);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 1000; i++)
        {
            notifier.Enqueue(Notice());
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"enqueueing took {watch.Elapsed}");
    }
}
