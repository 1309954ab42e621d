using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Commands;

public sealed class RunCommandTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60); // generous: a start that fails does so at once; a loaded CI box can take long to JIT

    [Fact]
    public async Task Run_InvalidConfig_Exits2WithProblemsOnStderrAndListensNowhere()
    {
        var ports = FreePorts.Take(2);
        using var file = new TempConfigFile($"""
            listeners:
              - name: web
                bind: 127.0.0.1:{ports[0]}
                pool: app
            admin:
              bind: 127.0.0.1:{ports[1]}
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
                    weight: 0

            """);

        using var tandem = await TandemProcess.RunToExitAsync("run", "--config", file.Path, "--no-warmup");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Equal([$"{file.Path}:11:17: pools[0].servers[0].weight: must be 1..256, got 0"], tandem.StderrLines);
        Assert.DoesNotContain(tandem.StderrLines, line => line.Contains("Tandem started", StringComparison.Ordinal));
        Assert.False(await FreePorts.IsListeningAsync(ports[0]));
        Assert.False(await FreePorts.IsListeningAsync(ports[1]));
    }

    [Fact]
    public async Task Run_ListenerPortAlreadyInUse_Exits1NamingTheAddress()
    {
        await using var a = await TestBackend.StartAsync("a");
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var taken = ((IPEndPoint)occupant.LocalEndpoint).Port;
        TandemProcess? tandem = null;
        try
        {
            // The admin port is picked free; should another process grab it first, pick again once.
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                tandem?.Dispose();
                using var file = new TempConfigFile(ConfigYaml.OnePool(taken, FreePorts.Take(1)[0], BalancingAlgorithms.RoundRobin, (a, 1)));
                tandem = await TandemProcess.RunToExitAsync("run", "--config", file.Path, "--no-warmup");
                if (!tandem.Stderr.Contains("admin listener", StringComparison.Ordinal))
                {
                    break;
                }
            }

            Assert.Equal(1, tandem!.ExitCode);
            var line = Assert.Single(tandem.StderrLines);
            Assert.StartsWith($"tandem: listener 'web' cannot bind 127.0.0.1:{taken}: ", line, StringComparison.Ordinal);
            Assert.Contains("address already in use", line, StringComparison.Ordinal);
        }
        finally
        {
            tandem?.Dispose();
        }
    }

    [Fact]
    public async Task Run_GoodConfig_AlternatesBackendsThenOnSigtermFinishesInFlightRequestAndExits0()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        using var file = new TempConfigFile("");
        var port = 0;
        using var tandem = await TandemProcess.StartServingAsync(
            () =>
            {
                var ports = FreePorts.Take(2);
                port = ports[0];
                file.Rewrite(ConfigYaml.OnePool(ports[0], ports[1], BalancingAlgorithms.RoundRobin, (a, 1), (b, 1)));
                return ["run", "--config", file.Path, "--no-warmup"];
            },
            line => line.Contains("Tandem started", StringComparison.Ordinal),
            StartBound);
        var proxy = new Uri($"http://127.0.0.1:{port}/");
        // Kept open through the stop: an idle keep-alive connection must not hold up the drain.
        using var client = TestHttp.Client();

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await client.GetStringAsync(proxy));
        }

        Assert.Equal(3, answers.Count(x => x == "a"));
        Assert.Equal(3, answers.Count(x => x == "b"));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // Longer than the 2 s a command-line library may allow for shutdown: the drain must not be cut short.
        using var slowClient = TestHttp.Client();
        var arrivedBefore = a.Requests + b.Requests;
        var slow = slowClient.GetAsync(new Uri(proxy, "/delay/2500"));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(a.Requests + b.Requests > arrivedBefore), TimeSpan.FromSeconds(5)),
            "the slow request never reached a backend");
        var sinceTerm = Stopwatch.StartNew();
        await tandem.TerminateAsync();

        using var response = await slow;
        var exitCode = await tandem.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body is "a" or "b", body);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{tandem.Transcript()}");
        // drain-timeout is 10s: the process left as soon as the request was done, not at the bound.
        Assert.True(sinceTerm.Elapsed < TimeSpan.FromSeconds(8), $"exited {sinceTerm.Elapsed.TotalSeconds:F1} s after SIGTERM");
        Assert.Contains(tandem.StderrLines, line => line.EndsWith("Stopped", StringComparison.Ordinal));
        Assert.False(await FreePorts.IsListeningAsync(port));
    }
}
