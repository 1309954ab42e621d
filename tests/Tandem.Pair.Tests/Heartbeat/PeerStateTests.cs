using Tandem.Core.Runtime;
using Tandem.Pair.Heartbeat;

namespace Tandem.Pair.Tests.Heartbeat;

public sealed class PeerStateTests
{
    [Fact]
    public void Record_FirstHeartbeatThenANewIncarnation_OnlyTheSecondIsARestart()
    {
        var state = new PeerState();

        Assert.False(state.Record(new HeartbeatMessage("b", "b-1", "backup", "v1", 1, null)));
        Assert.False(state.Record(new HeartbeatMessage("b", "b-1", "master", "v1", 1, "b")));
        Assert.True(state.Record(new HeartbeatMessage("b", "b-2", "syncing", "v1", 1, null)));
        Assert.Equal(new PeerInfo("b", "b-2", PairRole.Syncing, "v1", 1, null), state.Current);
    }

    [Fact]
    public void Record_RoleThisBuildDoesNotKnow_RoleUnknown()
    {
        var state = new PeerState();

        state.Record(new HeartbeatMessage("b", "b-1", "observer", null, 0, null));

        Assert.Null(state.Current.Role);
    }

    [Fact]
    public void NameIfUnknown_AfterAHeartbeat_KeepsTheHeartbeatsName()
    {
        var state = new PeerState();
        state.NameIfUnknown("first");
        Assert.Equal("first", state.Current.Name);

        state.Record(new HeartbeatMessage("b", "b-1", "backup", null, 0, null));
        state.NameIfUnknown("other");

        Assert.Equal("b", state.Current.Name);
    }

    [Fact]
    public void Lost_PeerWasMaster_RoleAndVipHolderForgottenTheRestKept()
    {
        var state = new PeerState();
        state.Record(new HeartbeatMessage("b", "b-1", "master", "v1", 1, "b"));

        state.Lost();

        Assert.Equal(new PeerInfo("b", "b-1", null, "v1", 1, null), state.Current);
    }

    [Theory]
    [InlineData(PairRole.Standalone, "standalone")]
    [InlineData(PairRole.Syncing, "syncing")]
    [InlineData(PairRole.Master, "master")]
    [InlineData(PairRole.Backup, "backup")]
    [InlineData(PairRole.Fault, "fault")]
    public void PairRoleNames_EveryRole_RoundTrips(PairRole role, string name)
    {
        Assert.Equal(name, PairRoleNames.Of(role));
        Assert.Equal(role, PairRoleNames.Parse(name));
    }
}
