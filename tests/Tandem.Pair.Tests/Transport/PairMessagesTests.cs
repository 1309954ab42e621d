using System.Text;

namespace Tandem.Pair.Tests.Transport;

/// <summary>The wire format, byte for byte: a node of this build must keep talking to a node of the previous one.</summary>
public sealed class PairMessagesTests
{
    [Fact]
    public void Serialize_Heartbeat_CamelCaseWithEveryField()
    {
        var json = Json(new HeartbeatMessage("a", "0011", "master", "v1", 5, null), PairJsonContext.Default.HeartbeatMessage);

        Assert.Equal("""{"node":"a","incarnation":"0011","role":"master","configVersion":"v1","configStamp":5,"vipHolder":null}""", json);
    }

    [Fact]
    public void Serialize_Changes_EntriesWithStamps()
    {
        var json = Json(new ChangesMessage("a", "0011", 2, [new OverrideEntry("app", "s1", "weight", 3, null, 1000, "a")]),
            PairJsonContext.Default.ChangesMessage);

        Assert.Equal("""{"node":"a","incarnation":"0011","seq":2,"entries":[{"pool":"app","server":"s1","field":"weight","weight":3,"state":null,"at":1000,"writer":"a"}]}""",
            json);
    }

    [Fact]
    public void Serialize_Snapshot_EntriesConfigAndSticky()
    {
        var json = Json(new SnapshotMessage([], new ConfigOffer("a", "v1", 7, "pools: []\n"), [new StickyItem("app", 42, "s1", 9)]),
            PairJsonContext.Default.SnapshotMessage);

        Assert.Equal("""{"entries":[],"config":{"node":"a","version":"v1","stamp":7,"yaml":"pools: []\n"},"sticky":[{"pool":"app","key":42,"server":"s1","lastSeen":9}]}""",
            json);
    }

    [Fact]
    public void Deserialize_SnapshotWithAFieldThisBuildDoesNotKnow_IgnoresIt()
    {
        // What a later build adds to the snapshot (a new replicator's share) must not break this one.
        var snapshot = JsonSerializer.Deserialize("""{"entries":[],"config":null,"sticky":null,"certificates":[{"name":"x"}]}"""u8,
            PairJsonContext.Default.SnapshotMessage);

        Assert.NotNull(snapshot);
        Assert.Empty(snapshot.Entries);
        Assert.Null(snapshot.Sticky);
    }

    [Fact]
    public void Deserialize_SnapshotWithoutSticky_StickyNull()
    {
        var snapshot = JsonSerializer.Deserialize("""{"entries":[],"config":null}"""u8, PairJsonContext.Default.SnapshotMessage);

        Assert.Null(snapshot!.Sticky);
    }

    private static string Json<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(message, type));
}
