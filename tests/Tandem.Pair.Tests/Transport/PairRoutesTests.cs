using System.Text;

namespace Tandem.Pair.Tests.Transport;

public sealed class PairRoutesTests
{
    [Fact]
    public async Task HandleAsync_MappedPath_ParsesTheRequestAndSerializesTheAnswer()
    {
        var routes = new PairRoutes();
        string? seenSender = null;
        routes.Map(PairPaths.Changes, PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, (message, sender, _) =>
        {
            seenSender = sender;
            return ValueTask.FromResult(new AckMessage(message.Seq));
        });

        var answer = await routes.HandleAsync(PairPaths.Changes, "b", """{"node":"b","incarnation":"x","seq":7,"entries":[]}"""u8.ToArray(),
            CancellationToken.None);

        Assert.Equal("""{"seq":7}""", Encoding.UTF8.GetString(answer!));
        Assert.Equal("b", seenSender);
        Assert.Equal("changes", routes.TypeOf(PairPaths.Changes));
    }

    [Fact]
    public async Task HandleAsync_UnmappedPath_NullAndLabelledUnknown()
    {
        var routes = new PairRoutes();

        Assert.Null(await routes.HandleAsync("/pair/nothing", "b", "{}"u8.ToArray(), CancellationToken.None));
        Assert.Equal("unknown", routes.TypeOf("/pair/nothing"));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"seq\":")]
    public async Task HandleAsync_BodyNotTheMessage_ThrowsJsonExceptionWithoutCallingTheHandler(string body)
    {
        var routes = new PairRoutes();
        var called = false;
        routes.Map(PairPaths.Changes, PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, (message, _, _) =>
        {
            called = true;
            return ValueTask.FromResult(new AckMessage(message.Seq));
        });

        await Assert.ThrowsAnyAsync<JsonException>(() => routes.HandleAsync(PairPaths.Changes, "b", Encoding.UTF8.GetBytes(body), CancellationToken.None));
        Assert.False(called);
    }

    [Theory]
    [InlineData(PairPaths.Heartbeat, "heartbeat")]
    [InlineData(PairPaths.Changes, "changes")]
    [InlineData(PairPaths.Snapshot, "snapshot")]
    [InlineData(PairPaths.Config, "config")]
    [InlineData(PairPaths.Sticky, "sticky")]
    public void TypeOf_EachPath_TheMetricsLabelOfTheMessagesBefore(string path, string type)
    {
        Assert.Equal(type, PairPaths.TypeOf(path));
    }

    [Fact]
    public void Map_SamePathTwice_Throws()
    {
        var routes = new PairRoutes();
        routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage, PairJsonContext.Default.StickyReply,
            (_, _, _) => ValueTask.FromResult(new StickyReply(0)));

        Assert.Throws<ArgumentException>(() => routes.Map(PairPaths.Sticky, PairJsonContext.Default.StickyMessage,
            PairJsonContext.Default.StickyReply, (_, _, _) => ValueTask.FromResult(new StickyReply(0))));
    }
}
