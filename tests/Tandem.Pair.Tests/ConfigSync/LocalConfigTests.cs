using Tandem.Core.Config;
using Tandem.Pair.ConfigSync;

namespace Tandem.Pair.Tests.ConfigSync;

public sealed class LocalConfigTests
{
    private const int SyncOffEvent = 2012;
    private static readonly DateTime Written = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private readonly LogLines _log = new();

    [Fact]
    public void Load_FileWithPairSection_OffersTheSharedPartAndKeepsTheOwnSections()
    {
        using var files = new ConfigFiles(servers: 2, Written);
        var local = new LocalConfig("a", files.Path, canApply: true, _log);

        local.Load();

        var shared = ConfigFiles.Shared(2);
        Assert.Equal(new ConfigOffer("a", ConfigLoader.VersionOf(shared), new DateTimeOffset(Written).ToUnixTimeMilliseconds(), shared),
            local.Offer);
        Assert.Same(local.Current, local.Offer);
        Assert.Equal(ConfigFiles.OwnSections.TrimEnd() + "\n", local.OwnSections);
        Assert.Null(local.SyncOff);
    }

    [Fact]
    public void Load_NoConfigFile_SyncOffSaidOnce()
    {
        var local = new LocalConfig("a", null, canApply: false, _log);

        local.Load();
        local.Load();

        Assert.Null(local.Offer);
        Assert.Null(local.Current);
        Assert.Equal("Pair config sync is off: the node has no config file to write the peer's config to", Assert.Single(_log.Of(SyncOffEvent)));
    }

    [Fact]
    public void Load_NoPairSectionToTellApart_SyncOffNamingTheFileLastVersionKept()
    {
        using var files = new ConfigFiles(servers: 1, Written);
        var local = new LocalConfig("a", files.Path, canApply: true, _log);
        local.Load();
        var before = local.Current;
        // A flow mapping has no top-level block to cut the pair section out of.
        File.WriteAllText(files.Path, """{"pools": [], "pair": {"node": "a"}}""");

        local.Load();

        Assert.Null(local.Offer);
        Assert.Same(before, local.Current);
        Assert.Equal($"Pair config sync is off: cannot separate the pair section of {files.Path} (write it as a top-level block 'pair:' with indented keys)",
            Assert.Single(_log.Of(SyncOffEvent)));
    }

    [Fact]
    public void Write_Text_ReplacesTheFileKeepingTheGivenWriteTime()
    {
        using var files = new ConfigFiles(servers: 1, Written);

        LocalConfig.Write(files.Path, "pools: []\n", Written.AddDays(1));

        Assert.Equal("pools: []\n", File.ReadAllText(files.Path));
        Assert.Equal(Written.AddDays(1), File.GetLastWriteTimeUtc(files.Path));
        Assert.False(File.Exists(files.Path + ".pair-next"));
    }
}
