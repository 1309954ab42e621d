using System.Diagnostics;
using System.Globalization;

namespace Tandem.Pair.Tests.Vip;

/// <summary>
/// The failover topology: namespaces PREFIX-client, PREFIX-a, PREFIX-b joined by a bridge in PREFIX-br (pair-lab.sh),
/// a python backend and a real <c>tandem run</c> in each node, and the client loop hitting the VIP every 20 ms.
/// The prefix holds the test process id, so parallel runs do not collide. Dispose tears everything down.
/// </summary>
internal sealed class PairLab : IAsyncDisposable
{
    public const string Vip = "10.99.0.100";

    /// <summary>With <c>layer4</c>: the tcp listener's port on every address (the VIP's included) and the udp one's.</summary>
    public const int TcpPort = 7000;
    public const int UdpPort = 5300;
    private readonly Dictionary<string, LabProcess> _tandems = [];
    private readonly List<LabProcess> _others = [];

    private PairLab(string prefix, string dir)
    {
        Prefix = prefix;
        Dir = dir;
    }

    public string Prefix { get; }

    public string Dir { get; }

    public string ClientLogPath => Path.Combine(Dir, "client.log");

    /// <summary>
    /// Brings the namespaces up and writes each node's config; with <paramref name="layer4"/> the nodes also have a tcp
    /// listener (<see cref="TcpPort"/>) and a udp one (<see cref="UdpPort"/>) in front of a local backend naming the node.
    /// </summary>
    public static async Task<PairLab> UpAsync(bool layer4 = false)
    {
        var prefix = "tdm" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var dir = Directory.CreateTempSubdirectory("tandem-pair-").FullName;
        var lab = new PairLab(prefix, dir);
        await LabScript("down", prefix);
        var (code, output) = await LabScript("up", prefix);
        if (code != 0)
        {
            await lab.DisposeAsync();
            Assert.Fail("pair-lab.sh up failed: " + output);
        }
        File.WriteAllText(Path.Combine(dir, "secret"), "a-test-secret-of-enough-length\n");
        foreach (var node in new[] { "a", "b" })
        {
            File.WriteAllText(Path.Combine(dir, node + ".yaml"), NodeYaml(node, dir, layer4));
            lab._others.Add(LabProcess.Start(lab.Ns(node), "python3", Script("pair-backend.py"), "9000", node, lab.SlowLog(node)));
            if (layer4)
            {
                lab._others.Add(LabProcess.Start(lab.Ns(node), "python3", Script("pair-l4-backend.py"), "9100", node));
            }
        }
        return lab;
    }

    public string Ns(string node) => Prefix + "-" + node;

    /// <summary>Where <paramref name="node"/>'s backend notes each <c>/slow</c> request it received.</summary>
    public string SlowLog(string node) => Path.Combine(Dir, "slow-" + node + ".log");

    /// <summary>Waits until <paramref name="node"/>'s backend has received a <c>/slow</c> request; false after the bound.</summary>
    public async Task<bool> WaitForSlowRequestAsync(string node, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (File.Exists(SlowLog(node)) && File.ReadAllText(SlowLog(node)).Length > 0)
            {
                return true;
            }
            await Task.Delay(20);
        }
        return false;
    }

    public LabProcess Tandem(string node) => _tandems[node];

    public void StartTandem(string node)
    {
        if (_tandems.Remove(node, out var old))
        {
            old.Dispose();
        }
        var dll = Path.Combine(AppContext.BaseDirectory, "tandem.dll");
        Assert.True(File.Exists(dll), "tandem.dll not found next to the tests: " + dll);
        _tandems[node] = LabProcess.Start(Ns(node), DotnetHost(), dll, "run", "--config", Path.Combine(Dir, node + ".yaml"));
    }

    public void StartClient() =>
        _others.Add(LabProcess.Start(Ns("client"), "python3", Script("pair-client.py"), Vip, "8080", ClientLogPath));

    /// <summary>One GET of <paramref name="path"/> on the VIP from the client namespace (5 s timeout): the answering node or "fail TYPE".</summary>
    public async Task<string> RequestOnceAsync(string path)
    {
        var (_, output) = await LabProcess.RunAsync("ip", "netns", "exec", Ns("client"), "python3", Script("pair-once.py"), Vip, "8080", path);
        return output.Trim();
    }

    /// <summary>From the client namespace, one new TCP connection and one UDP query to the VIP: the node that answered each, or "fail".</summary>
    public async Task<(string Tcp, string Udp)> Layer4OnceAsync()
    {
        var (_, output) = await LabProcess.RunAsync("ip", "netns", "exec", Ns("client"), "python3", Script("pair-l4-once.py"), Vip,
            TcpPort.ToString(CultureInfo.InvariantCulture), UdpPort.ToString(CultureInfo.InvariantCulture));
        var parts = output.Trim().Split(' ');
        return parts.Length == 2 ? (parts[0], parts[1]) : ("fail", "fail");
    }

    public IReadOnlyList<string> ClientLines() => File.Exists(ClientLogPath) ? File.ReadAllLines(ClientLogPath) : [];

    /// <summary>The node whose eth0 carries the VIP: "a", "b", "a+b" (split brain) or null.</summary>
    public async Task<string?> VipHolderAsync()
    {
        var holders = new List<string>();
        foreach (var node in new[] { "a", "b" })
        {
            var (_, output) = await LabProcess.RunAsync("ip", "-n", Ns(node), "-br", "addr", "show", "dev", "eth0");
            if (output.Contains(Vip + "/", StringComparison.Ordinal))
            {
                holders.Add(node);
            }
        }
        return holders.Count == 0 ? null : string.Join('+', holders);
    }

    /// <summary>Waits until <paramref name="node"/> holds the VIP and answers the client; false after the bound.</summary>
    public async Task<bool> WaitForHolderAsync(string node, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (await VipHolderAsync() == node)
            {
                var lines = ClientLines();
                if (lines.Count == 0 || lines[^1].EndsWith(" " + node, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>Pulls (or plugs back) the cable of <paramref name="node"/>: its veth end on the bridge.</summary>
    public async Task SetLinkAsync(string node, bool up)
    {
        var (code, output) = await LabProcess.RunAsync("ip", "-n", Ns("br"), "link", "set", "v" + node, up ? "up" : "down");
        Assert.True(code == 0, output);
    }

    public string Transcripts() =>
        string.Join("\n", _tandems.Select(t => $"--- tandem {t.Key} ---\n{t.Value.Transcript()}"));

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        File.WriteAllText(ClientLogPath + ".stop", "");
        foreach (var process in _tandems.Values.Concat(_others))
        {
            process.Dispose();
        }
        // Also kills what the processes left behind in the namespaces (keepalived after a kill -9).
        await LabScript("down", Prefix);
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A straggler still writing; the temp dir is cleaned by the OS.
        }
    }

    private static Task<(int Code, string Output)> LabScript(string command, string prefix) =>
        LabProcess.RunAsync("bash", Script("pair-lab.sh"), command, prefix);

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, name);

    private static string NodeYaml(string node, string dir, bool layer4)
    {
        var (me, peer, priority) = node == "a" ? (11, 12, 150) : (12, 11, 100);
        var l4Listeners = layer4
            ? $"  - {{ name: tcp, bind: 0.0.0.0:{TcpPort}, protocol: tcp, pool: tcp }}\n  - {{ name: udp, bind: 0.0.0.0:{UdpPort}, protocol: udp, pool: udp }}\n"
            : "";
        var l4Pools = layer4
            ? "  - { name: tcp, servers: [{ name: local, address: \"127.0.0.1:9100\" }] }\n  - { name: udp, servers: [{ name: local, address: \"127.0.0.1:9101\" }] }\n"
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"""
            listeners:
              - name: web
                bind: 0.0.0.0:8080
                pool: app
            {l4Listeners}admin:
              bind: 127.0.0.1:9901
            drain-timeout: 5s
            pools:
              - name: app
                servers:
                  - name: local
                    address: 127.0.0.1:9000
            {l4Pools}pair:
              node: {node}
              bind: 10.99.0.{me}:7946
              peer: 10.99.0.{peer}:7946
              secret-file: {dir}/secret
              runtime-dir: {dir}/run-{node}
              keepalived: {Requirements.Find("keepalived")}
              vip:
                address: {Vip}/24
                interface: eth0
                priority: {priority}

            """);
    }

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
