using System.Text.Json;
using Tandem.Core.Balancing;
using Tandem.Testing;
using Tandem.Tests.Support;

namespace Tandem.Tests.Hosting;

/// <summary>The access log and metrics sections in a running node (<c>TandemNode</c>).</summary>
public sealed class AccessLogNodeTests
{
    private const int ReloadedEvent = 101;
    private const int NeedsRestartEvent = 3110;

    [Fact]
    public async Task Node_AccessLogSection_LinesWrittenAndChangeOnReloadNeedsRestart()
    {
        await using var a = await TestBackend.StartAsync("a");
        var directory = Directory.CreateTempSubdirectory("tandem-node-log-").FullName;
        var log = Path.Combine(directory, "access.log");
        try
        {
            await using (var node = await NodeHarness.StartAsync((port, admin) =>
                ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 1)) + $"access-log:\n  path: {log}\n"))
            {
                using var client = TestHttp.Client();
                Assert.Equal("a", await client.GetStringAsync(node.ProxyUri));
                Assert.Equal(log, node.Node.AccessLog?.Target);

                node.Rewrite((port, admin) => ConfigYaml.OnePool(port, admin, BalancingAlgorithms.RoundRobin, (a, 2))
                    + $"access-log:\n  path: {log}\n  format: combined\nmetrics:\n  method-label: false\n");
                Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(node.Logs.Messages(ReloadedEvent).Count == 1), TimeSpan.FromSeconds(5)));
                Assert.Equal(
                    ["access-log changed; it is read at start and applies after a restart", "metrics changed; it is read at start and applies after a restart"],
                    node.Logs.Messages(NeedsRestartEvent));
            }

            // Stopping the node flushed the line; the reload did not switch the format.
            var line = Assert.Single(File.ReadAllLines(log));
            using var json = JsonDocument.Parse(line);
            Assert.Equal("a", json.RootElement.GetProperty("server").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
