using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Config;
using Tandem.Core.Requests;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Metrics;
using Tandem.Testing;

namespace Tandem.Observability.Tests.AccessLog;

/// <summary>The writer apart from the proxy: never blocking, rotation, reopen, the line formats.</summary>
public sealed class AccessLogWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-access-log-").FullName;

    private string LogPath => Path.Combine(_directory, "access.log");

    [Fact]
    public async Task TryWrite_SinkBlocked_DropsAndCountsWithoutWaiting()
    {
        var metrics = new TandemMetrics();
        using var sink = new BlockedSink();
        var writer = new AccessLogWriter(sink, AccessLogFormat.Json, capacity: 16, metrics, NullLogger.Instance);
        try
        {
            writer.TryWrite(Entry(0));
            Assert.True(sink.Entered.Wait(TimeSpan.FromSeconds(5)), "the writer should be stuck in the sink");

            var clock = Stopwatch.StartNew();
            var accepted = 0;
            for (var i = 1; i <= 1000; i++)
            {
                accepted += writer.TryWrite(Entry(i)) ? 1 : 0;
            }
            clock.Stop();

            Assert.Equal(16, accepted);
            Assert.Equal(1000 - 16, metrics.AccessLogDroppedCount);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"1000 writes took {clock.Elapsed}");
            using var stream = new MemoryStream();
            await metrics.Registry.CollectAndExportAsTextAsync(stream);
            Assert.Contains("tandem_access_log_dropped_total 984", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
        }
        finally
        {
            sink.Release.Set();
            await writer.DisposeAsync();
        }
        Assert.Equal(17, sink.Lines);  // the first entry and the 16 that fit, written once the sink moved again
    }

    [Fact]
    public async Task Write_PastMaxSize_RotatedIntoNumberedFiles()
    {
        var writer = FileWriter(maxSize: 2048, maxFiles: 2);
        for (var i = 0; i < 30; i++)
        {
            // One line per batch, so the file grows line by line as under light traffic.
            writer.TryWrite(Entry(i));
            var written = i + 1;
            Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(writer.LinesWritten == written), TimeSpan.FromSeconds(5)));
        }
        await writer.DisposeAsync();

        Assert.True(File.Exists(LogPath + ".1"));
        Assert.True(File.Exists(LogPath + ".2"));
        Assert.False(File.Exists(LogPath + ".3"), "max-files: 2 keeps two rotated files");
        Assert.InRange(new FileInfo(LogPath + ".1").Length, 2048, 2048 + 400);  // rotated after the line that crossed 2 KB
        // The newest lines are in the current file, the ones before them in .1.
        var current = File.ReadAllLines(LogPath);
        var previous = File.ReadAllLines(LogPath + ".1");
        Assert.Contains("/item/29", current[^1], StringComparison.Ordinal);
        Assert.Contains($"/item/{29 - current.Length}\"", previous[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_FileMovedAway_NewLinesGoToANewFile()
    {
        var writer = FileWriter(maxSize: 1 << 20, maxFiles: 1);
        writer.TryWrite(Entry(1));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(File.Exists(LogPath) && File.ReadAllLines(LogPath).Length == 1), TimeSpan.FromSeconds(5)));
        File.Move(LogPath, LogPath + ".moved");
        writer.TryWrite(Entry(2));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(File.ReadAllLines(LogPath + ".moved").Length == 2), TimeSpan.FromSeconds(5)));

        writer.Reopen();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(File.Exists(LogPath)), TimeSpan.FromSeconds(5)));
        writer.TryWrite(Entry(3));
        await writer.DisposeAsync();

        Assert.Contains("/item/3\"", Assert.Single(File.ReadAllLines(LogPath)), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(LogPath + ".moved").Length);
    }

    [Fact]
    public async Task DisposeAsync_QueuedLines_AllFlushed()
    {
        var writer = FileWriter(maxSize: 1 << 20, maxFiles: 1);
        for (var i = 0; i < 500; i++)
        {
            Assert.True(writer.TryWrite(Entry(i)));
        }

        await writer.DisposeAsync();

        Assert.Equal(500, File.ReadAllLines(LogPath).Length);
    }

    [Fact]
    public void Format_Json_AbsentValuesAreNull()
    {
        var line = AccessLogFormatter.Format(Entry(7) with { Client = null, Server = null, Error = RequestError.QueueFull, Status = 503 }, AccessLogFormat.Json);

        Assert.Equal(
            """{"time":"2026-11-25T08:30:00.123Z","client":null,"method":"GET","host":null,"path":"/item/7","protocol":"HTTP/1.1","status":503,"server":null,"pool":"app","listener":"web","route":null,"attempts":1,"duration_ms":1.5,"upstream_ms":1.25,"bytes_in":0,"bytes_out":10,"user_agent":null,"referer":null,"error":"queue-full"}""" + "\n",
            line);
    }

    [Fact]
    public void Format_Combined_EscapesAsNginx()
    {
        var entry = Entry(7) with
        {
            Client = IPAddress.Parse("::ffff:10.1.2.3"),
            Query = "?a=\"b\"",
            UserAgent = "curl/8 \\ é",
            Referer = "http://r/",
        };

        var line = AccessLogFormatter.Format(entry, AccessLogFormat.Combined);

        Assert.Equal("10.1.2.3 - - [25/Nov/2026:08:30:00 +0000] \"GET /item/7?a=\\x22b\\x22 HTTP/1.1\" 200 10 \"http://r/\" \"curl/8 \\x5C \\xC3\\xA9\" \"-\"\n", line);
    }

    private AccessLogWriter FileWriter(long maxSize, int maxFiles) =>
        AccessLogWriter.Create(new AccessLogConfig { Path = LogPath, MaxSize = maxSize, MaxFiles = maxFiles }, new TandemMetrics(), NullLogger.Instance)!;

    private static AccessLogEntry Entry(int i) => new()
    {
        Time = new DateTimeOffset(2026, 11, 25, 8, 30, 0, 123, TimeSpan.Zero),
        Method = "GET",
        Path = "/item/" + i,
        Query = "",
        Protocol = "HTTP/1.1",
        Status = 200,
        Pool = "app",
        Listener = "web",
        Server = "a",
        Attempts = 1,
        TotalMs = 1.5,
        UpstreamMs = 1.25,
        BytesOut = 10,
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A sink whose first write blocks until released: a disk that stopped.</summary>
    private sealed class BlockedSink : IAccessLogSink
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public int Lines { get; private set; }

        public string Target => "blocked";

        public void Write(ReadOnlySpan<byte> lines)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
            Lines += lines.Count((byte)'\n');
        }

        public void Flush()
        {
        }

        public void Reopen()
        {
        }

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
