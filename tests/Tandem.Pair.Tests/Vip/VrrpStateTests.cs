using Tandem.Core.Runtime;
using Tandem.Pair.Vip;

namespace Tandem.Pair.Tests.Vip;

public sealed class VrrpStateTests
{
    [Fact]
    public void Report_RoleChanges_OneEventPerChange()
    {
        var state = new VrrpState("a", new FakeTimeProvider());
        var events = new List<PairEvent>();
        state.Changed += events.Add;

        Assert.Equal(PairRole.Syncing, state.Role);
        Assert.True(state.Report(PairRole.Backup, "x"));
        Assert.False(state.Report(PairRole.Backup, "x"));
        Assert.True(state.Report(PairRole.Master, "y"));
        Assert.True(state.Report(PairRole.Fault, "z"));

        Assert.Equal([PairEventKind.BecameBackup, PairEventKind.BecameMaster, PairEventKind.Fault], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal("a", e.Node));
        Assert.Equal(PairRole.Fault, state.Role);
    }

    [Theory]
    [InlineData(false, true, true, TrackValue.Healthy)]
    [InlineData(false, true, false, TrackValue.Standby)]
    [InlineData(false, false, true, TrackValue.Fault)]
    [InlineData(false, false, false, TrackValue.Fault)]
    [InlineData(true, true, true, TrackValue.Standby)]
    [InlineData(true, false, true, TrackValue.Standby)]
    public void DesiredTrackValue_State_Value(bool handingOver, bool healthy, bool settled, int expected) =>
        Assert.Equal(expected, VipService.DesiredTrackValue(handingOver, healthy, settled));
}
