namespace Tandem.Pair.Tests.Transport;

/// <summary>Two channels on loopback: signed requests answered by the peer's routes, failures counted and logged.</summary>
public sealed class PairChannelTests
{
    private const int SendFailedEvent = 2011;

    [Fact]
    public async Task TrySendAsync_PeerAnswers_ReturnsTheAnswerCountedOk()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System, routes => MapSticky(routes, applied: 3));

        var reply = await channels.A.TrySendAsync(PairPaths.Sticky, new StickyMessage("a", []), PairJsonContext.Default.StickyMessage,
            PairJsonContext.Default.StickyReply, CancellationToken.None);

        Assert.Equal(3, reply!.Applied);
        Assert.Equal(["sticky ok"], channels.CountedA);
    }

    [Fact]
    public async Task TrySendAsync_ResultOf_LabelsTheAnswer()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System, routes =>
            routes.Map(PairPaths.Config, PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply,
                (_, _, _) => ValueTask.FromResult(new ConfigReply(false, "no"))));

        var reply = await channels.A.TrySendAsync(PairPaths.Config, new ConfigOffer("a", "v", 1, "pools: []\n"), PairJsonContext.Default.ConfigOffer,
            PairJsonContext.Default.ConfigReply, CancellationToken.None, r => r.Accepted ? "ok" : "declined");

        Assert.False(reply!.Accepted);
        Assert.Equal(["config declined"], channels.CountedA);
    }

    [Fact]
    public async Task TrySendAsync_PeerAbsent_NullCountedFailedAndLoggedNamingThePeer()
    {
        var log = new LogLines();
        await using var channels = await TestChannels.StartAsync(TimeProvider.System, logger: log);

        var reply = await channels.A.TrySendAsync(PairPaths.Sticky, new StickyMessage("a", []), PairJsonContext.Default.StickyMessage,
            PairJsonContext.Default.StickyReply, CancellationToken.None, peer: "b");

        Assert.Null(reply);
        Assert.Equal(["sticky failed"], channels.CountedA);
        Assert.StartsWith("Pair message sticky to b failed: ", Assert.Single(log.Of(SendFailedEvent)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrySendAsync_PathThePeerDoesNotMap_NullCountedRefused()
    {
        await using var channels = await TestChannels.StartAsync(TimeProvider.System, routes => MapSticky(routes, applied: 0));

        var ack = await channels.A.TrySendAsync(PairPaths.Changes, new ChangesMessage("a", "a-1", 1, []), PairJsonContext.Default.ChangesMessage,
            PairJsonContext.Default.AckMessage, CancellationToken.None);

        Assert.Null(ack);
        Assert.Equal(["changes refused"], channels.CountedA);
    }

    private static void MapSticky(PairRoutes routes, int applied) =>
        routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage, PairJsonContext.Default.StickyReply,
            (_, _, _) => ValueTask.FromResult(new StickyReply(applied)));
}
