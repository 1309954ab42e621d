using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tandem.Commands;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Hosting;
using Tandem.Pair.Transport;
using Tandem.Testing;
using Tandem.Tests.Support;
using Xunit.Abstractions;

namespace Tandem.Tests.Hosting;

/// <summary>Two paired nodes on loopback: runtime changes, config and liveness cross the pair channel.</summary>
public sealed class PairSyncTests(ITestOutputHelper output)
{
    /// <summary>
    /// Generous, so the tests hold on a loaded 2-core machine (a CI box took 1.8 s); the latency itself is printed by the
    /// tests and recorded in bench/pair-sync.md (143-400 ms on a quiet machine).
    /// </summary>
    private static readonly TimeSpan SyncBound = TimeSpan.FromSeconds(10);
    private const int PeerFoundEvent = 2002;
    private const int MessageRefusedEvent = 2003;
    private const int SyncedEvent = 2004;
    private const int ConfigRefusedEvent = 2008;
    private const int ConfigAcceptedEvent = 2009;

    [Fact]
    public async Task AdminChange_WeightAndDrainOnA_ShowUpOnB()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        await PostAsync(http, pair.AdminA, "s1", """{"weight": 7}""");
        await PostAsync(http, pair.AdminA, "s2", """{"state": "draining"}""");
        var seen = await TestHttp.WaitUntilAsync(async () =>
        {
            var servers = await ServersAsync(http, pair.AdminB);
            return servers["s1"].GetProperty("weight").GetInt32() == 7 && servers["s2"].GetProperty("state").GetString() == "draining";
        }, SyncBound, TimeSpan.FromMilliseconds(10));

        Assert.True(seen, $"B did not show the changes within {SyncBound.TotalSeconds} s; B's log:\n{PairHarness.Log(pair.LogsB)}");
        output.WriteLine($"weight + drain visible on B after {clock.Elapsed.TotalMilliseconds:F0} ms");
        // Applied on B without looping back: A still shows its own values and its lag drains to 0.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pair.A!.PairHealth.Current.SyncLag == 0), TimeSpan.FromSeconds(3)));
        Assert.Equal(0, pair.B!.PairHealth.Current.SyncLag);
    }

    [Fact]
    public async Task AdminChange_ConcurrentEditsOfOneServer_ConvergeOnBothNodes()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));

        await Task.WhenAll(PostAsync(http, pair.AdminA, "s3", """{"weight": 4}"""), PostAsync(http, pair.AdminB, "s3", """{"weight": 9}"""));

        var converged = await TestHttp.WaitUntilAsync(async () =>
        {
            var a = (await ServersAsync(http, pair.AdminA))["s3"].GetProperty("weight").GetInt32();
            var b = (await ServersAsync(http, pair.AdminB))["s3"].GetProperty("weight").GetInt32();
            return a == b;
        }, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20));
        Assert.True(converged, "the two nodes disagree on s3's weight");
    }

    [Fact]
    public async Task ConfigReload_OnA_IsWrittenAndAppliedOnBKeepingBsPairSection()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);

        pair.FileA.Rewrite(pair.Yaml("a", servers: 4, firstWeight: 5));

        var applied = await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.B!.Pools.Find("app") is { Servers.Count: 4 } pool && pool.FindServer("s1")!.Weight == 5), TimeSpan.FromSeconds(5));
        Assert.True(applied, $"B did not apply A's config; B's log:\n{PairHarness.Log(pair.LogsB)}\nA's log:\n{PairHarness.Log(pair.LogsA)}");
        var written = await File.ReadAllTextAsync(pair.FileB.Path);
        Assert.Contains("node: b", written, StringComparison.Ordinal);
        Assert.Contains("name: s4", written, StringComparison.Ordinal);
        Assert.Contains($"bind: 127.0.0.1:{pair.AdminB}", written, StringComparison.Ordinal);
        // B logs the acceptance just after it applies the config, so the line may trail the check above.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pair.LogsB.Messages(ConfigAcceptedEvent).Count > 0), TimeSpan.FromSeconds(5)));
        Assert.Single(pair.LogsB.Messages(ConfigAcceptedEvent));
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.A!.PairHealth.Current is { ConfigVersion: { } v, PeerConfigVersion: { } p } && v == p), TimeSpan.FromSeconds(3)),
            "the nodes do not report the same config version");
        // No ping-pong: B's reload of the same config is not offered back.
        await Task.Delay(500);
        Assert.Empty(pair.LogsA.Messages(ConfigAcceptedEvent));
    }

    [Fact]
    public async Task ConfigOffer_BadConfigFromPeer_IsRefusedWithAClearLineAndBKeepsItsConfig()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        var before = pair.B!.Status.Config!.Version;
        var bad = pair.Yaml("a", servers: 2).Replace("weight: 1", "weight: 999", StringComparison.Ordinal);
        var shared = Tandem.Pair.ConfigSync.ConfigText.Split(bad).Shared;
        var signer = new PairSigner(Encoding.UTF8.GetBytes(pair.Secret), "a", TimeProvider.System);
        using var client = new PairClient($"127.0.0.1:{pair.PairPortB}", signer, TimeSpan.FromSeconds(5));

        var reply = await client.SendAsync(PairPaths.Config, new ConfigOffer("a", ConfigLoader.VersionOf(shared), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), shared),
            PairJsonContext.Default.ConfigOffer, PairJsonContext.Default.ConfigReply, CancellationToken.None);

        Assert.False(reply.Accepted);
        Assert.Contains("pools[0].servers[0].weight: must be 1..256", reply.Problem, StringComparison.Ordinal);
        var line = Assert.Single(pair.LogsB.Messages(ConfigRefusedEvent));
        Assert.StartsWith($"Pair config version {ConfigLoader.VersionOf(shared)} from peer a refused: ", line, StringComparison.Ordinal);
        Assert.Contains("weight: must be 1..256", line, StringComparison.Ordinal);
        Assert.EndsWith($"the running config {pair.B.PairHealth.Current.ConfigVersion} stays", line, StringComparison.Ordinal);
        Assert.Equal(before, pair.B.Status.Config!.Version);
        Assert.Equal(3, pair.B.Pools.Find("app")!.Servers.Count);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        Assert.Equal(3, (await ServersAsync(http, pair.AdminB)).Count);
    }

    [Fact]
    public async Task PairChannel_WrongSecret_IsRefusedAndLogged()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        var signer = new PairSigner(Encoding.UTF8.GetBytes("not-the-pair-secret-at-all"), "a", TimeProvider.System);
        using var client = new PairClient($"127.0.0.1:{pair.PairPortB}", signer, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<PairSendException>(() => client.SendAsync(PairPaths.Changes,
            new ChangesMessage("a", "x", 1, [new OverrideEntry("app", "s1", "weight", 200, null, DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), "a")]),
            PairJsonContext.Default.ChangesMessage, PairJsonContext.Default.AckMessage, CancellationToken.None));

        Assert.Equal("refused", error.Result);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, pair.B!.Pools.Find("app")!.FindServer("s1")!.Weight);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{pair.AdminB}/metrics"));
        Assert.Contains("tandem_pair_messages_total{type=\"changes\",result=\"bad-mac\"} 1", metrics, StringComparison.Ordinal);
        // One line per throttle period: ours, unless a stray message from another test got there first.
        var line = Assert.Single(pair.LogsB.Messages(MessageRefusedEvent));
        Assert.StartsWith("Pair message refused from 127.0.0.1 on /pair/", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerLoss_BStops_ARaisesPeerLostWithinPeerTimeoutAndMargin()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        var lost = new TaskCompletionSource<PairEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.A!.PairHealth.Changed += e =>
        {
            if (e.Kind == PairEventKind.PeerLost)
            {
                lost.TrySetResult(e);
            }
        };

        // B stops its pair channel first, then drains: the silence starts while StopBAsync runs.
        var clock = Stopwatch.StartNew();
        await pair.StopBAsync();
        var stopped = clock.Elapsed;
        var pairEvent = await lost.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var detected = clock.Elapsed;
        output.WriteLine($"PeerLost {detected.TotalMilliseconds:F0} ms after B began to stop (B took {stopped.TotalMilliseconds:F0} ms to stop; peer-timeout 500 ms)");

        // peer-timeout 500 ms, checked every heartbeat (100 ms); generous margin for a busy machine.
        Assert.True(detected <= stopped + TimeSpan.FromSeconds(2), $"PeerLost {detected.TotalMilliseconds:F0} ms after B began to stop");
        Assert.Equal("b", pairEvent.Peer);
        Assert.False(pair.A.PairHealth.Current.PeerAlive);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{pair.AdminA}/api/pair"));
        Assert.False(view.GetProperty("peerAlive").GetBoolean());
    }

    [Fact]
    public async Task Restart_ChangesMadeWhileBWasDown_AreAppliedBeforeBReportsSynced()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        await pair.StopBAsync();
        await PostAsync(http, pair.AdminA, "s1", """{"weight": 11}""");
        await PostAsync(http, pair.AdminA, "s3", """{"state": "disabled"}""");

        await pair.RestartBAsync();
        var b = pair.B!;
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(b.Pair!.IsSynced), TimeSpan.FromSeconds(5)), PairHarness.Log(pair.LogsB));

        // Nothing to wait for once synced: the snapshot was applied first.
        var pool = b.Pools.Find("app")!;
        Assert.Equal(11, pool.FindServer("s1")!.Weight);
        Assert.Equal("disabled", pool.FindServer("s3")!.StateName);
        Assert.NotEqual(PairRole.Syncing, b.PairHealth.Current.Role);
        Assert.Single(pair.LogsB.Messages(SyncedEvent));
    }

    [Fact]
    public async Task Sticky_ClientsLearnedOnA_AreOnB_AndARestartedBGetsThemWithTheSnapshot()
    {
        await using var pair = await PairHarness.StartAsync("sticky: { mode: table, key: header:X-Session }");
        await WaitSyncedAsync(pair);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        var tableA = pair.A!.Pools.Find("app")!.StickyTable!;
        string? OnB(string session) =>
            pair.B!.Pools.Find("app")!.StickyTable!.Find(ClientHash.Of(session), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var clock = Stopwatch.StartNew();
        tableA.Learn(ClientHash.Of("alice"), "s2", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        tableA.Learn(ClientHash.Of("bob"), "s3", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var seen = await TestHttp.WaitUntilAsync(() => Task.FromResult(OnB("alice") == "s2" && OnB("bob") == "s3"), SyncBound, TimeSpan.FromMilliseconds(10));

        Assert.True(seen, $"B did not have the sticky clients within {SyncBound.TotalSeconds} s; B's log:\n{PairHarness.Log(pair.LogsB)}");
        output.WriteLine($"sticky clients on B after {clock.Elapsed.TotalMilliseconds:F0} ms");
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{pair.AdminB}/api/pools/app/sticky"));
        Assert.Equal("table", view.GetProperty("mode").GetString());
        Assert.Equal("header:X-Session", view.GetProperty("key").GetString());
        Assert.Equal(2, view.GetProperty("entries").GetInt32());
        Assert.Equal(["s2", "s3"], view.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("server").GetString()!).Order());

        // Learned while B was down: B has it once it reports synced (from A's snapshot).
        await pair.StopBAsync();
        tableA.Learn(ClientHash.Of("carol"), "s1", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await pair.RestartBAsync();
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(pair.B!.Pair!.IsSynced), TimeSpan.FromSeconds(5)), PairHarness.Log(pair.LogsB));
        Assert.Equal("s1", OnB("carol"));
        Assert.Equal("s2", OnB("alice"));
    }

    [Fact]
    public async Task PairStatus_BothNodesRunning_PrintsBothNodesAndMatchingConfigs()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        // A learns B's role from B's next heartbeat after B synced.
        Assert.True(await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.A!.PairHealth.Current is { PeerConfigVersion: not null, PeerRole: PairRole.Backup }), TimeSpan.FromSeconds(3)));
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PairCommand.StatusAsync($"127.0.0.1:{pair.AdminA}", false, output, error, CancellationToken.None);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("node a (this node): backup", text, StringComparison.Ordinal);
        Assert.Contains("node b (peer): backup, alive, last seen ", text, StringComparison.Ordinal);
        var version = pair.A!.PairHealth.Current.ConfigVersion;
        Assert.Contains($"config: a {version}, b {version} (same config)", text, StringComparison.Ordinal);
        Assert.Contains("sync: lag 0 changes", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairStatus_NodeUnreachable_Exits1WithClearMessage()
    {
        var port = TestHttp.FreePort();
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PairCommand.StatusAsync($"127.0.0.1:{port}", false, output, error, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.StartsWith($"tandem: cannot reach the node's admin API at 127.0.0.1:{port}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PairApi_NoPairSection_ReportsStandalone()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var node = await NodeHarness.StartAsync((port, admin) => ConfigYaml.OnePool(port, admin, "round-robin", (backend, 1)));
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));

        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{node.AdminPort}/api/pair"));

        Assert.Equal("standalone", view.GetProperty("role").GetString());
        Assert.Equal("", view.GetProperty("node").GetString());
        var output = new StringWriter();
        Assert.Equal(0, await PairCommand.StatusAsync($"127.0.0.1:{node.AdminPort}", false, output, new StringWriter(), CancellationToken.None));
        Assert.Equal("standalone: this node has no pair section\n", output.ToString());
    }

    [Fact]
    public async Task Metrics_PairedNode_ExportsPairInstruments()
    {
        await using var pair = await PairHarness.StartAsync();
        await WaitSyncedAsync(pair);
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));

        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{pair.AdminA}/metrics"));

        Assert.Contains("tandem_pair_peer_up 1", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_sync_lag 0", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_messages_total{type=\"heartbeat\",result=\"ok\"}", text, StringComparison.Ordinal);
        Assert.Contains("tandem_pair_messages_total{type=\"heartbeat\",result=\"received\"}", text, StringComparison.Ordinal);
        // On a loaded machine a heartbeat can miss peer-timeout, so the peer may be lost and found again before the
        // scrape: found once at least, and at least as often as lost.
        var found = CounterValue(text, "tandem_pair_events_total{kind=\"PeerFound\"}");
        Assert.True(found >= 1, $"PeerFound counted {found} times:\n{text}");
        Assert.True(found >= CounterValue(text, "tandem_pair_events_total{kind=\"PeerLost\"}"));
    }

    private static double CounterValue(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(series.Length + 1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    [Fact]
    public async Task Start_ShortSecret_FailsNamingTheKeyAndLength()
    {
        using var file = new TempConfigFile("");
        var secret = Path.Combine(Path.GetDirectoryName(file.Path)!, "pair.secret");
        await File.WriteAllTextAsync(secret, "too-short\n");
        var ports = FreePorts.Take(3);
        file.Rewrite($$"""
            listeners:
              - name: web
                bind: 127.0.0.1:{{ports[0]}}
                pool: app
            admin:
              bind: 127.0.0.1:{{ports[1]}}
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:10
            pair:
              node: a
              bind: 127.0.0.1:{{ports[2]}}
              peer: 127.0.0.1:9
              secret-file: {{secret}}
            """);

        var error = await Assert.ThrowsAsync<NodeStartException>(() => PairHarness.StartNodeAsync(file.Path, new CapturingLoggerProvider()));

        Assert.Equal($"pair.secret-file: the secret in '{secret}' is 9 bytes; it must be at least 16 (e.g. head -c 32 /dev/urandom | base64 > {secret})", error.Message);
        Assert.False(await FreePorts.IsListeningAsync(ports[1]), "the admin listener was left running");
    }

    private static async Task WaitSyncedAsync(PairHarness pair)
    {
        var synced = await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.A!.Pair!.IsSynced && pair.B!.Pair!.IsSynced && pair.A.PairHealth.Current.PeerAlive && pair.B.PairHealth.Current.PeerAlive),
            TimeSpan.FromSeconds(5));
        Assert.True(synced, $"the pair did not sync; A:\n{PairHarness.Log(pair.LogsA)}\nB:\n{PairHarness.Log(pair.LogsB)}");
        Assert.NotEmpty(pair.LogsA.Messages(PeerFoundEvent));
    }

    private static async Task PostAsync(HttpClient http, int adminPort, string server, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{adminPort}/api/pools/app/servers/{server}"), content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<Dictionary<string, JsonElement>> ServersAsync(HttpClient http, int adminPort)
    {
        var pools = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{adminPort}/api/pools"));
        var servers = new Dictionary<string, JsonElement>();
        foreach (var server in pools[0].GetProperty("servers").EnumerateArray())
        {
            servers[server.GetProperty("name").GetString()!] = server.Clone();
        }
        return servers;
    }
}
