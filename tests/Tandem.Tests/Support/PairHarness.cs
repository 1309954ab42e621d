using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Hosting;
using Tandem.Testing;

namespace Tandem.Tests.Support;

/// <summary>
/// Two <see cref="TandemNode"/>s in this process paired over loopback (nodes <c>a</c> and <c>b</c>), each from its own
/// config file with the same shared part (one pool of three servers) and the same secret, heartbeat 100 ms,
/// peer-timeout 500 ms unless a test asks for another. Logs are captured per node.
/// </summary>
internal sealed class PairHarness : IAsyncDisposable
{
    /// <summary>Per pair, so a node of another test that happens to reuse a port cannot talk into this pair.</summary>
    public string Secret { get; } = "pair-test-" + Guid.NewGuid().ToString("N");
    private readonly string _secretDirectory;

    private PairHarness(string secretDirectory, string secretFile, int[] ports, string? poolExtra, string peerTimeout, PairExtras? extras)
    {
        _secretDirectory = secretDirectory;
        SecretFile = secretFile;
        Ports = ports;
        PoolExtra = poolExtra;
        PeerTimeout = peerTimeout;
        Extras = extras ?? new PairExtras();
        FileA = new TempConfigFile(Yaml("a", servers: 3));
        FileB = new TempConfigFile(Yaml("b", servers: 3));
    }

    public string SecretFile { get; }

    /// <summary>More keys of the shared pool (one YAML line at pool level), e.g. a <c>sticky</c> section.</summary>
    public string? PoolExtra { get; }

    /// <summary>More YAML of the listener, the top level and the pair section.</summary>
    public PairExtras Extras { get; }

    /// <summary>The pair's <c>peer-timeout</c>: short where a test waits for a node to notice its peer is gone,
    /// long where a test needs the peer to stay alive while something slow (a process start) runs beside it.</summary>
    public string PeerTimeout { get; }

    /// <summary>listener a, admin a, pair a, listener b, admin b, pair b.</summary>
    public int[] Ports { get; }

    public TempConfigFile FileA { get; }

    public TempConfigFile FileB { get; }

    public TandemNode? A { get; private set; }

    public TandemNode? B { get; private set; }

    public CapturingLoggerProvider LogsA { get; } = new();

    public CapturingLoggerProvider LogsB { get; private set; } = new();

    public int AdminA => Ports[1];

    public int AdminB => Ports[4];

    public int PairPortB => Ports[5];

    /// <param name="poolExtra">More keys of the shared pool, one YAML line (e.g. <c>sticky: {mode: table}</c>).</param>
    /// <param name="peerTimeout">The pair's <c>peer-timeout</c>.</param>
    /// <param name="extras">More YAML of the listener, the top level and the pair section.</param>
    public static async Task<PairHarness> StartAsync(string? poolExtra = null, string peerTimeout = "500ms", PairExtras? extras = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tandem-pair-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var secret = Path.Combine(directory, "pair.secret");
        var harness = new PairHarness(directory, secret, FreePorts.Take(6), poolExtra, peerTimeout, extras);
        await File.WriteAllTextAsync(secret, harness.Secret + "\n");
        harness.A = await StartNodeAsync(harness.FileA.Path, harness.LogsA);
        harness.B = await StartNodeAsync(harness.FileB.Path, harness.LogsB);
        return harness;
    }

    /// <summary>The config of node <paramref name="node"/>; the part before <c>pair:</c> is the same for both nodes but for the binds.</summary>
    public string Yaml(string node, int servers, int firstWeight = 1)
    {
        var own = node == "a" ? 0 : 3;
        var other = node == "a" ? 3 : 0;
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: web
                bind: 127.0.0.1:{Ports[own]}
                pool: app
            {Indent(Extras.Listener, "    ")}
            admin:
              bind: 127.0.0.1:{Ports[own + 1]}
            drain-timeout: 2s
            pools:
              - name: app
                algorithm: weighted-round-robin

            """);
        if (PoolExtra is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    {PoolExtra}\n");
        }
        yaml.Append("    servers:\n");
        for (var i = 1; i <= servers; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                      - name: s{i}
                        address: 127.0.0.1:{9 + i}
                        weight: {(i == 1 ? firstWeight : 1)}

                """);
        }
        if (Extras.Top is not null)
        {
            yaml.Append(Extras.Top).Append('\n');
        }
        yaml.Append(CultureInfo.InvariantCulture, $"""
            pair:
              node: {node}
              bind: 127.0.0.1:{Ports[own + 2]}
              peer: 127.0.0.1:{Ports[other + 2]}
              secret-file: {SecretFile}
              heartbeat: 100ms
              peer-timeout: {PeerTimeout}
            {Indent(Extras.Pair, "  ")}

            """);
        return yaml.ToString();
    }

    private static string Indent(string? text, string by) =>
        text is null ? "" : string.Join("\n", text.Split('\n').Where(l => l.Length > 0).Select(l => by + l));

    public static async Task<TandemNode> StartNodeAsync(string path, CapturingLoggerProvider logs)
    {
        var loaded = ConfigLoader.Load(path);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        var options = new NodeOptions
        {
            HandleSignals = false,
            ReloadPollInterval = TimeSpan.FromMilliseconds(100),
            Logging = logging => logging.AddProvider(logs),
        };
        return await TandemNode.StartAsync(loaded.Config!, path, options, CancellationToken.None);
    }

    public async Task StopBAsync()
    {
        await B!.DisposeAsync();
        B = null;
    }

    public async Task RestartBAsync()
    {
        LogsB = new CapturingLoggerProvider();
        B = await StartNodeAsync(FileB.Path, LogsB);
    }

    public static string Log(CapturingLoggerProvider logs) => string.Join('\n', logs.Lines.Select(l => $"{l.EventId.Id} {l.Message}"));

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }
        if (A is not null)
        {
            await A.DisposeAsync();
        }
        FileA.Dispose();
        FileB.Dispose();
        try
        {
            Directory.Delete(_secretDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>More YAML for both nodes of a <see cref="PairHarness"/>, unindented: keys of the listener, top-level sections, keys of <c>pair</c>.</summary>
internal sealed record PairExtras(string? Listener = null, string? Top = null, string? Pair = null);
