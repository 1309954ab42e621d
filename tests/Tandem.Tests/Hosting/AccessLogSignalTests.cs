using System.Diagnostics;
using System.Globalization;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>The access log of a real <c>tandem run</c>: SIGHUP reopens it (logrotate), SIGTERM flushes it.</summary>
public sealed class AccessLogSignalTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // started as under nohup: SIGHUP inherited ignored, which .NET alone would keep
    public async Task Run_SighupAfterLogMoved_NewLinesInANewFileAndProcessKeepsServing(bool hangupIgnored)
    {
        await using var a = await TestBackend.StartAsync("a");
        using var file = new TempConfigFile("");
        var log = Path.Combine(Path.GetDirectoryName(file.Path)!, "access.log");
        var port = 0;
        using var tandem = await TandemProcess.StartServingAsync(
            () =>
            {
                var ports = FreePorts.Take(2);
                port = ports[0];
                file.Rewrite(ConfigYaml.OnePool(ports[0], ports[1], BalancingAlgorithms.RoundRobin, (a, 1)) + $"access-log:\n  path: {log}\n");
                return ["run", "--config", file.Path, "--no-warmup"];
            },
            line => line.Contains("Tandem started", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            launcher: hangupIgnored ? ["env", "--ignore-signal=HUP"] : null);
        using var client = TestHttp.Client();
        var proxy = new Uri($"http://127.0.0.1:{port}/");

        Assert.Equal("a", await client.GetStringAsync(new Uri(proxy, "/?n=first")));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("n=first", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10)), tandem.Transcript());
        File.Move(log, log + ".1");
        await SignalAsync(tandem.Id, "HUP");
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(File.Exists(log)), TimeSpan.FromSeconds(10)), "SIGHUP should reopen the log at its path\n" + tandem.Transcript());

        if (hangupIgnored)
        {
            // (Without the launcher it depends on how the suite itself was started: under nohup the line shows too.)
            Assert.Contains("SIGHUP was ignored when Tandem started", tandem.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal("a", await client.GetStringAsync(new Uri(proxy, "/?n=second")));
        await tandem.TerminateAsync();
        Assert.Equal(0, await tandem.WaitForExitAsync(TimeSpan.FromSeconds(15)));

        Assert.Contains("\"query\":\"n=second\"", Assert.Single(File.ReadAllLines(log)), StringComparison.Ordinal);
        Assert.Contains("\"query\":\"n=first\"", Assert.Single(File.ReadAllLines(log + ".1")), StringComparison.Ordinal);
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(cancel.Token);
        Assert.Equal(0, kill.ExitCode);
    }
}
