using System.Globalization;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

/// <summary>
/// A second <c>tandem run</c> takes the listening sockets over from the running one (two real processes, real
/// sockets): no request of a steady client fails, the old process drains and exits 0.
/// </summary>
public sealed class RunHandoverTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_SecondProcessWithSameConfig_TakesOverWithoutAFailedRequestAndOldExits0()
    {
        await using var a = await TestBackend.StartAsync("a");
        using var file = new TempConfigFile("");
        var ports = Array.Empty<int>();
        using var old = await TandemProcess.StartServingAsync(
            () =>
            {
                ports = FreePorts.Take(2);
                file.Rewrite(ConfigYaml.OnePool(ports[0], ports[1], BalancingAlgorithms.RoundRobin, (a, 1)));
                return ["run", "--config", file.Path, "--no-warmup"];
            },
            Started, StartBound);
        await using var proxyClient = new SteadyClient(new Uri($"http://127.0.0.1:{ports[0]}/"));
        await using var adminClient = new SteadyClient(new Uri($"http://127.0.0.1:{ports[1]}/api/status"));
        proxyClient.Start();
        adminClient.Start();
        Assert.True(await proxyClient.WaitForMoreAsync(20, StartBound), "the steady client got no answers before the handover");

        using var successor = TandemProcess.Start("run", "--config", file.Path, "--no-warmup");
        Assert.True(await successor.WaitForOutputAsync(Started, StartBound), successor.Transcript());
        var oldExit = await old.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await proxyClient.WaitForMoreAsync(50, StartBound), successor.Transcript());
        Assert.True(await adminClient.WaitForMoreAsync(10, StartBound), successor.Transcript());
        await proxyClient.StopAsync();
        await adminClient.StopAsync();

        Assert.Empty(proxyClient.Failures);
        Assert.Empty(adminClient.Failures);
        Assert.True(oldExit == 0, $"old process exit code {oldExit}\n{old.Transcript()}");
        Assert.Contains(old.StderrLines, line => line.Contains("Handed 2 listening sockets to a new process", StringComparison.Ordinal));
        Assert.Contains(successor.StderrLines, line => line.Contains($"Accepting on the sockets of process {old.Id}", StringComparison.Ordinal));
        await successor.TerminateAsync();
        Assert.Equal(0, await successor.WaitForExitAsync());
    }

    [Fact]
    public async Task Run_SuccessorWithChangedBind_KeepsTheSharedPortBindsTheNewOneAndTheDroppedOneCloses()
    {
        await using var a = await TestBackend.StartAsync("a");
        using var oldFile = new TempConfigFile("");
        using var newFile = new TempConfigFile("");
        var control = Path.Combine(Path.GetDirectoryName(oldFile.Path)!, "control.sock");
        var ports = Array.Empty<int>();
        using var old = await TandemProcess.StartServingAsync(
            () =>
            {
                ports = FreePorts.Take(4);
                oldFile.Rewrite(TwoListeners(ports[0], ports[1], ports[3], a));
                newFile.Rewrite(TwoListeners(ports[0], ports[2], ports[3], a));
                return ["run", "--config", oldFile.Path, "--no-warmup", "--control-socket", control];
            },
            Started, StartBound);
        await using var client = new SteadyClient(new Uri($"http://127.0.0.1:{ports[0]}/"));
        client.Start();
        Assert.True(await client.WaitForMoreAsync(20, StartBound), "the steady client got no answers before the handover");

        using var successor = TandemProcess.Start("run", "--config", newFile.Path, "--no-warmup", "--control-socket", control);
        Assert.True(await successor.WaitForOutputAsync(Started, StartBound), successor.Transcript());
        var oldExit = await old.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await client.WaitForMoreAsync(20, StartBound), successor.Transcript());
        await client.StopAsync();

        Assert.Empty(client.Failures);
        Assert.True(oldExit == 0, $"old process exit code {oldExit}\n{old.Transcript()}");
        Assert.True(await FreePorts.IsListeningAsync(ports[2]), "the new bind is not served");
        Assert.False(await FreePorts.IsListeningAsync(ports[1]), "the bind the new config dropped still listens");
        Assert.Contains(successor.StderrLines, line => line.Contains($"Closed proxy 127.0.0.1:{ports[1]}", StringComparison.Ordinal));
        await successor.TerminateAsync();
        Assert.Equal(0, await successor.WaitForExitAsync());
        Assert.False(File.Exists(control), "the last process left its control socket behind");
    }

    private static bool Started(string line) => line.Contains("Tandem started", StringComparison.Ordinal);

    private static string TwoListeners(int web, int extra, int admin, TestBackend backend) => string.Create(CultureInfo.InvariantCulture, $"""
        listeners:
          - name: web
            bind: 127.0.0.1:{web}
            pool: app
          - name: extra
            bind: 127.0.0.1:{extra}
            pool: app
        admin:
          bind: 127.0.0.1:{admin}
        drain-timeout: 10s
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:{backend.Port}

        """);
}
