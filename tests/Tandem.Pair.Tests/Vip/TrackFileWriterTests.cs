using Tandem.Pair.Vip;

namespace Tandem.Pair.Tests.Vip;

public sealed class TrackFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-vip-").FullName;

    [Fact]
    public void WriteHealth_SameValueTwice_WritesOnce()
    {
        var writer = new TrackFileWriter(new KeepalivedFiles(_dir), new FakeTimeProvider());
        var files = new KeepalivedFiles(_dir);

        Assert.True(writer.WriteHealth(TrackValue.Standby));
        File.WriteAllText(files.Health, "untouched");
        Assert.False(writer.WriteHealth(TrackValue.Standby));
        Assert.Equal("untouched", File.ReadAllText(files.Health));
        Assert.True(writer.WriteHealth(TrackValue.Fault));

        Assert.Equal("-254\n", File.ReadAllText(files.Health));
        Assert.Equal(TrackValue.Fault, writer.Value);
    }

    [Fact]
    public void Beat_Clock_UnixMilliseconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_795_596_000_123));
        var writer = new TrackFileWriter(new KeepalivedFiles(_dir), time);

        writer.Beat();
        time.Advance(TimeSpan.FromMilliseconds(100));
        writer.Beat();

        Assert.Equal("1795596000223\n", File.ReadAllText(Path.Combine(_dir, "heartbeat")));
        Assert.False(File.Exists(Path.Combine(_dir, "heartbeat.tmp")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
