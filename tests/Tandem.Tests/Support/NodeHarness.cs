using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Hosting;
using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>
/// A <see cref="TandemNode"/> in this process, started from a config file it watches, with signals off, a fast reload
/// poll and its log lines captured.
/// </summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private NodeHarness(TandemNode node, TempConfigFile file, CapturingLoggerProvider logs, int port, int adminPort)
    {
        Node = node;
        File = file;
        Logs = logs;
        Port = port;
        AdminPort = adminPort;
    }

    public TandemNode Node { get; }

    public TempConfigFile File { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>The listener's port.</summary>
    public int Port { get; }

    public int AdminPort { get; }

    public Uri ProxyUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts a node from <paramref name="yaml"/>(port, adminPort); tries once more on a port taken meanwhile.</summary>
    public static async Task<NodeHarness> StartAsync(Func<int, int, string> yaml, TimeSpan? reloadPollInterval = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Take(2);
            var file = new TempConfigFile(yaml(ports[0], ports[1]));
            var logs = new CapturingLoggerProvider();
            var options = new NodeOptions
            {
                HandleSignals = false,
                ReloadPollInterval = reloadPollInterval ?? TimeSpan.FromMilliseconds(100),
                Logging = logging => logging.AddProvider(logs),
            };
            var loaded = ConfigLoader.Load(file.Path);
            Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
            try
            {
                var node = await TandemNode.StartAsync(loaded.Config!, file.Path, options, CancellationToken.None);
                return new NodeHarness(node, file, logs, ports[0], ports[1]);
            }
            catch (NodeStartException ex) when (attempt == 1 && ex.Message.Contains("already in use", StringComparison.Ordinal))
            {
                file.Dispose();
            }
        }
    }

    /// <summary>Rewrites the watched file with <paramref name="yaml"/>(port, adminPort).</summary>
    public void Rewrite(Func<int, int, string> yaml) => File.Rewrite(yaml(Port, AdminPort));

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        File.Dispose();
    }
}
