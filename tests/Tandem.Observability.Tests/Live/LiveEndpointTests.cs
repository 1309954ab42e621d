using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Pools;
using Tandem.Observability.Live;
using Tandem.Observability.Metrics;
using Tandem.Observability.Tests.Support;

namespace Tandem.Observability.Tests.Live;

public sealed class LiveEndpointTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetLive_TwoEvents_CarryEveryPoolServerStateAndRate()
    {
        await using var admin = await AdminHarness.StartAsync();
        var live = admin.Metrics.Live;
        live.Tick();
        await using var stream = await SseStream.OpenAsync(admin.Client, "api/live");
        Assert.Equal("text/event-stream", stream.ContentType);

        var first = await stream.NextEventAsync(Bound);
        for (var i = 0; i < 20; i++)
        {
            live.Recorder("app", "a").Record(200, 0.004);
        }
        admin.Pool("app").SetAdminState(admin.Server("app", "b"), AdminState.Draining);
        live.Tick();
        var second = await stream.NextEventAsync(Bound);

        Assert.Equal(["api", "app"], Names(first.GetProperty("pools")));
        var app = Pool(first, "app");
        Assert.Equal(["a", "b", "127.0.0.1:9003", "spare"], Names(app.GetProperty("servers")));
        var a = Server(first, "app", "a");
        Assert.Equal("up", a.GetProperty("state").GetString());
        Assert.Equal(5, a.GetProperty("weight").GetInt32());
        Assert.Equal(5.0, a.GetProperty("effectiveWeight").GetDouble());
        Assert.Equal(0, a.GetProperty("inFlight").GetInt64());
        Assert.Equal("127.0.0.1:9001", a.GetProperty("address").GetString());

        Assert.True(second.GetProperty("at").GetDouble() >= first.GetProperty("at").GetDouble());
        Assert.Equal("draining", Server(second, "app", "b").GetProperty("state").GetString());
        var a2 = Server(second, "app", "a");
        Assert.True(a2.GetProperty("rps").GetDouble() > 0, a2.ToString());
        Assert.InRange(a2.GetProperty("p50").GetDouble(), 3.0, 5.0);
        Assert.InRange(a2.GetProperty("p99").GetDouble(), 3.0, 5.0);
        Assert.Equal(0, a2.GetProperty("errorRate").GetDouble());
        Assert.True(Pool(second, "app").GetProperty("rps").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, Server(second, "app", "spare").GetProperty("p50").ValueKind);
    }

    [Fact]
    public async Task GetLive_ClientDisconnects_FeedForgetsIt()
    {
        await using var admin = await AdminHarness.StartAsync();
        var feed = LiveEndpoints.FeedOf(admin.Metrics.Live)!;
        await using (var stream = await SseStream.OpenAsync(admin.Client, "api/live"))
        {
            await stream.NextEventAsync(Bound);
            Assert.Equal(1, feed.Count);
        }

        // The server sees the disconnect on its next write or when the request is aborted.
        var deadline = DateTime.UtcNow + Bound;
        while (feed.Count > 0 && DateTime.UtcNow < deadline)
        {
            admin.Metrics.Live.Tick();
            await Task.Delay(50);
        }
        Assert.Equal(0, feed.Count);
    }

    [Fact]
    public void Feed_ClientThatNeverReads_DroppedWithoutBlockingTheTick()
    {
        var time = new FakeTimeProvider(AdminHarness.StartedAt);
        var metrics = new TandemMetrics(time);
        var pools = new PoolRegistry(metrics);
        pools.Apply(AdminHarness.DefaultConfig().Pools);
        using var feed = new LiveFeed(pools, metrics.Live, NullLogger.Instance, maxClients: 4, capacity: 3);
        var slow = feed.Subscribe("slow")!;
        var reading = feed.Subscribe("reading")!;

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            metrics.Live.Tick();
            while (reading.Reader.TryRead(out _))
            {
            }
        }

        Assert.True(slow.Dropped);
        Assert.True(slow.Closing.IsCancellationRequested);
        Assert.False(reading.Dropped);
        Assert.Equal(1, feed.Count);
    }

    [Fact]
    public void Feed_AtMaxClients_RefusesMore()
    {
        var metrics = new TandemMetrics();
        var pools = new PoolRegistry(metrics);
        using var feed = new LiveFeed(pools, metrics.Live, NullLogger.Instance, maxClients: 2);

        var one = feed.Subscribe("1");
        var two = feed.Subscribe("2");
        var three = feed.Subscribe("3");
        one!.Close(dropped: false);
        var four = feed.Subscribe("4");

        Assert.NotNull(two);
        Assert.Null(three);
        Assert.NotNull(four);
    }

    [Fact]
    public async Task GetLive_NodeStopping_StreamEnds()
    {
        var admin = await AdminHarness.StartAsync();
        var stream = await SseStream.OpenAsync(admin.Client, "api/live");
        await stream.NextEventAsync(Bound);

        var stop = admin.DisposeAsync().AsTask();

        Assert.Same(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(4))));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task GetHistory_AfterTicks_CompactArraysPerPoolAndServer()
    {
        await using var admin = await AdminHarness.StartAsync();
        var live = admin.Metrics.Live;
        for (var i = 0; i < 3; i++)
        {
            live.Recorder("app", "a").Record(200, 0.01);
            live.Tick();
        }

        var (status, body) = await admin.GetJsonAsync("api/live/history?minutes=5");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, body.GetProperty("minutes").GetDouble());
        Assert.Equal(1, body.GetProperty("interval").GetDouble());
        var app = Pool(body, "app");
        var a = Server(body, "app", "a");
        foreach (var series in new[] { app, a })
        {
            var n = series.GetProperty("t").GetArrayLength();
            Assert.Equal(3, n);
            foreach (var field in new[] { "rps", "errorRate", "p50", "p99" })
            {
                Assert.Equal(n, series.GetProperty(field).GetArrayLength());
            }
        }
        Assert.Equal(JsonValueKind.Number, a.GetProperty("p99")[2].ValueKind);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("16")]
    [InlineData("ten")]
    [InlineData("-1")]
    public async Task GetHistory_BadMinutes_400(string minutes)
    {
        await using var admin = await AdminHarness.StartAsync();

        var (status, body) = await admin.GetJsonAsync("api/live/history?minutes=" + minutes);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal($"minutes must be an integer 1..15, got '{minutes}'", body.GetProperty("error").GetString());
    }

    private static List<string> Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();

    private static JsonElement Pool(JsonElement root, string pool) =>
        root.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == pool);

    private static JsonElement Server(JsonElement root, string pool, string server) =>
        Pool(root, pool).GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("name").GetString() == server);
}

/// <summary>Reads server-sent events from a real HTTP response, each <c>data:</c> line parsed as JSON.</summary>
internal sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<SseStream> OpenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
    }

    /// <summary>The next event's JSON; comments and <c>retry:</c> lines are skipped.</summary>
    public async Task<JsonElement> NextEventAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancel.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    using var document = JsonDocument.Parse(data.ToString());
                    return document.RootElement.Clone();
                }
                continue;
            }
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(6));
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
