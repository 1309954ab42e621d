using System.Diagnostics;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>Hot reload of a running node (<c>TandemNode</c> + <c>ConfigWatcher</c>), with traffic flowing throughout.</summary>
public sealed class ConfigReloadTests
{
    /// <summary>Generous, so it holds on a loaded 2-core machine; the tests print how long a reload took.</summary>
    private static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(10);
    private const int ReloadedEvent = 101;
    private const int ReloadProblemEvent = 102;
    private const int ReloadRejectedEvent = 103;

    [Fact]
    public async Task Reload_WeightsChangedAndServerAdded_TakesEffectWithin2sWithNoFailedRequest()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 1), (b, 1)));
        await using var load = RequestStream.Start(node.ProxyUri);
        Assert.True(await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(10)), "no traffic before the change");

        var clock = Stopwatch.StartNew();
        node.Rewrite((port, admin) => ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 3), (b, 1), (c, 1)));
        var applied = await TestHttp.WaitUntilAsync(() => Task.FromResult(
            node.Node.Pools.Find("app") is { Servers.Count: 3 } pool && pool.FindServer("a")!.Weight == 3 && c.Requests > 0),
            ReloadBound, TimeSpan.FromMilliseconds(20));
        var tookEffect = clock.Elapsed;

        Assert.True(applied, $"not applied within {ReloadBound.TotalSeconds} s; log:\n{string.Join('\n', node.Logs.Lines.Select(l => l.Message))}");
        Assert.True(tookEffect <= ReloadBound, $"took {tookEffect.TotalMilliseconds:F0} ms");
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(ReloadedEvent).Count > 0), TimeSpan.FromSeconds(5)));
        Assert.Single(node.Logs.Messages(ReloadedEvent));

        // The new weights shape the traffic that follows: a gets 3 of every 5 requests.
        var (a0, b0, c0) = (a.Requests, b.Requests, c.Requests);
        Assert.True(await load.WaitForMoreAsync(200, TimeSpan.FromSeconds(20)), "traffic stalled after the change");
        await load.StopAsync();
        double da = a.Requests - a0, db = b.Requests - b0, dc = c.Requests - c0;
        var total = da + db + dc;
        Assert.InRange(da / total, 0.5, 0.7);
        Assert.InRange(db / total, 0.1, 0.3);
        Assert.InRange(dc / total, 0.1, 0.3);
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task Reload_InvalidWeight_RefusedWithValidateMessageOldConfigServesAndLaterValidChangeApplies()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 1), (b, 1)));
        var firstVersion = node.Node.Status.Config!.Version;
        await using var load = RequestStream.Start(node.ProxyUri);
        Assert.True(await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(10)), "no traffic before the change");

        node.Rewrite((port, admin) => ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 1), (b, 300)));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(ReloadRejectedEvent).Count > 0), ReloadBound),
            "the bad config was not refused");

        // Server b's weight is the third line of the second server entry (see ConfigYaml).
        var expected = $"{node.File.Path}:17:17: pools[0].servers[1].weight: must be 1..256, got 300";
        Assert.Equal(["Config reload: " + expected], node.Logs.Messages(ReloadProblemEvent));
        Assert.Equal([$"Config reload rejected (1 problems); still serving version {firstVersion}"], node.Logs.Messages(ReloadRejectedEvent));
        using (var validate = await TandemProcess.RunToExitAsync("validate", "--config", node.File.Path))
        {
            Assert.Equal(2, validate.ExitCode);
            Assert.Equal([expected], validate.StderrLines);
        }

        // The old config keeps serving: same version, same weights, both servers still get traffic.
        Assert.Equal(firstVersion, node.Node.Status.Config!.Version);
        Assert.Equal(1, node.Node.Pools.Find("app")!.FindServer("b")!.Weight);
        var (a0, b0) = (a.Requests, b.Requests);
        Assert.True(await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(10)), "traffic stalled after the refusal");
        Assert.InRange((double)(a.Requests - a0) / (a.Requests - a0 + b.Requests - b0), 0.3, 0.7);

        var clock = Stopwatch.StartNew();
        node.Rewrite((port, admin) => ConfigYaml.OnePool(port, admin, BalancingAlgorithms.WeightedRoundRobin, (a, 1), (b, 4)));
        var applied = await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Node.Pools.Find("app")!.FindServer("b")!.Weight == 4),
            ReloadBound, TimeSpan.FromMilliseconds(20));
        var tookEffect = clock.Elapsed;
        Assert.True(await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(10)), "traffic stalled after the valid change");
        await load.StopAsync();

        Assert.True(applied && tookEffect <= ReloadBound, $"valid change applied: {applied}, after {tookEffect.TotalMilliseconds:F0} ms");
        Assert.NotEqual(firstVersion, node.Node.Status.Config!.Version);
        // The new weights are live a moment before the "reloaded" line is written.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(ReloadedEvent).Count > 0), TimeSpan.FromSeconds(5)));
        var reloaded = Assert.Single(node.Logs.Messages(ReloadedEvent));
        Assert.Equal($"Config reloaded: version {node.Node.Status.Config!.Version} replaces {firstVersion}", reloaded);
        Assert.Single(node.Logs.Messages(ReloadRejectedEvent));
        Assert.Empty(load.Failures);
    }

    [Fact]
    public async Task Reload_ServerNameThatDoesNotResolve_RefusedOldConfigServes()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var node = await NodeHarness.StartAsync((port, admin) =>
            ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1), (b, 1)));
        var firstVersion = node.Node.Status.Config!.Version;

        node.Rewrite((port, admin) => ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1), (b, 1))
            .Replace($"address: 127.0.0.1:{b.Port}", $"address: b.invalid:{b.Port}", StringComparison.Ordinal));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(ReloadRejectedEvent).Count > 0), TimeSpan.FromSeconds(10)),
            "the config with an unresolvable name was not refused");

        var problem = Assert.Single(node.Logs.Messages(ReloadProblemEvent));
        Assert.StartsWith($"Config reload: {node.File.Path}:16:18: pools[0].servers[1].address: name 'b.invalid' does not resolve (", problem, StringComparison.Ordinal);
        Assert.Equal(firstVersion, node.Node.Status.Config!.Version);
        Assert.Equal("127.0.0.1", node.Node.Pools.Find("app")!.FindServer("b")!.Address.Host);
    }
}
