using System.Text.Json;
using Tandem.Core.Runtime;
using Tandem.Observability.Admin;
using Tandem.Observability.Metrics;

namespace Tandem.Observability.Tests.Admin;

public sealed class PairViewTests
{
    [Fact]
    public void Serialize_PairedSnapshot_CamelCaseFieldsAndRoleNames()
    {
        var seen = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var view = PairView.From(new PairSnapshot("a", "b", PairRole.Backup, PairRole.Master, true, seen, seen, 2, "111111111111", "222222222222", "b"));

        var json = JsonSerializer.Serialize(view, PairJsonContext.Relaxed.PairView);

        Assert.Equal("""{"node":"a","role":"backup","peer":"b","peerRole":"master","peerAlive":true,"peerLastSeen":"2026-11-25T09:00:00+00:00","lastSync":"2026-11-25T09:00:00+00:00","lagChanges":2,"configVersion":"111111111111","peerConfigVersion":"222222222222","vipHolder":"b"}""", json);
    }

    [Fact]
    public void From_Standalone_RoleStandalone()
    {
        var view = PairView.From(PairSnapshot.Standalone);

        Assert.Equal("standalone", view.Role);
        Assert.Null(view.PeerRole);
        Assert.False(view.PeerAlive);
    }

    [Fact]
    public async Task Export_PairMetrics_PeerUpLagMessagesAndEvents()
    {
        var metrics = new TandemMetrics();
        var health = new PairHealth();
        var pair = new PairMetrics(metrics, health);
        health.Update(new PairSnapshot("a", "b", PairRole.Syncing, null, true, null, null, 3, null, null, null));
        pair.Message("heartbeat", "bad-mac");
        health.Raise(new PairEvent(DateTimeOffset.UnixEpoch, PairEventKind.PeerLost, "a", "b", "silence"));

        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("tandem_pair_peer_up 1", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_sync_lag 3", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_messages_total{type=\"heartbeat\",result=\"bad-mac\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_events_total{kind=\"PeerLost\"} 1", text, StringComparison.Ordinal);
    }
}
