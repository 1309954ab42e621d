using System.Text.Json;
using Tandem.Core.Runtime;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

/// <summary><c>tandem pair status</c> as a process, against a pair of nodes running in this test.</summary>
public sealed class PairCommandTests
{
    [Fact]
    public async Task PairStatus_PairRunning_PrintsBothNodesRolesVipAndVersions()
    {
        // Starting the tandem process below takes a core for a second or more; a 500 ms peer-timeout could lapse
        // meanwhile on a loaded 2-core machine, and the peer would be reported as not answering.
        await using var pair = await PairHarness.StartAsync(peerTimeout: "10s");
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.A!.PairHealth.Current is { PeerAlive: true, PeerConfigVersion: not null, Role: PairRole.Backup, PeerRole: PairRole.Backup }),
            TimeSpan.FromSeconds(5)));

        using var tandem = await TandemProcess.RunToExitAsync("pair", "status", "--admin", $"127.0.0.1:{pair.AdminA}");

        Assert.Equal(0, tandem.ExitCode);
        var version = pair.A!.PairHealth.Current.ConfigVersion;
        Assert.Equal("node a (this node): backup", tandem.StdoutLines[0]);
        Assert.StartsWith("node b (peer): backup, alive, last seen ", tandem.StdoutLines[1], StringComparison.Ordinal);
        Assert.Equal("VIP holder: unknown", tandem.StdoutLines[2]);
        Assert.Equal($"config: a {version}, b {version} (same config)", tandem.StdoutLines[3]);
        Assert.StartsWith("sync: lag 0 changes, last sync ", tandem.StdoutLines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairStatus_Json_PrintsTheApiAnswer()
    {
        await using var pair = await PairHarness.StartAsync();

        using var tandem = await TandemProcess.RunToExitAsync("pair", "status", "--admin", $"127.0.0.1:{pair.AdminB}", "--json");

        Assert.Equal(0, tandem.ExitCode);
        using var document = JsonDocument.Parse(tandem.Stdout);
        Assert.Equal("b", document.RootElement.GetProperty("node").GetString());
        Assert.True(document.RootElement.TryGetProperty("peerConfigVersion", out _));
    }

    [Fact]
    public async Task PairStatus_NodeUnreachable_Exits1WithClearMessage()
    {
        var port = TestHttp.FreePort();

        using var tandem = await TandemProcess.RunToExitAsync("pair", "status", "--admin", $"127.0.0.1:{port}");

        Assert.Equal(1, tandem.ExitCode);
        Assert.StartsWith($"tandem: cannot reach the node's admin API at 127.0.0.1:{port}: ", tandem.StderrLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairStatus_BadAdminAddress_Exits2()
    {
        using var tandem = await TandemProcess.RunToExitAsync("pair", "status", "--admin", "nope");

        Assert.Equal(2, tandem.ExitCode);
        Assert.StartsWith("tandem: --admin 'nope': ", tandem.StderrLines[0], StringComparison.Ordinal);
    }
}
