using System.Globalization;
using Xunit.Abstractions;

namespace Tandem.Pair.Tests.Vip;

/// <summary>
/// Two real Tandems with keepalived in network namespaces, a client hitting the VIP every 20 ms (300 ms timeout).
/// One topology, the cases in turn, each starting with node a (priority 150) holding the VIP:
/// kill -9, graceful stop, return after a stop, hang (SIGSTOP), link cut. Bounds are looser than the targets
/// (noisy shared machine); bench/pair-failover.sh prints the measured numbers. With TANDEM_PAIR_RESULTS set, each
/// case appends "case failed gap_ms moves" to that file.
/// </summary>
public sealed class VipFailoverTests(ITestOutputHelper output)
{
    /// <summary>
    /// The longest gap a case may leave, in ms: that the VIP moves and service resumes is what this test shows; how fast
    /// (about 0.4 s for a crash or a cut link, 0.95 s for a hang, on a quiet machine) is bench/pair-failover.sh's to
    /// measure. A suite run beside builds on 2 cores saw a crash's gap reach 1.8 s.
    /// </summary>
    private const int GapBound = 5000;

    private static readonly TimeSpan HolderBound = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private static readonly string[] Tools = ["keepalived", "ip", "python3"];

    [RequiresFact("keepalived", "ip", "python3", Root = true)]
    public async Task Failover_CrashStopHangLinkAndReturn_VipMovesWithinBounds()
    {
        Requirements.Check(Tools, root: true);
        await using var lab = await PairLab.UpAsync();
        try
        {
            lab.StartTandem("a");
            lab.StartTandem("b");
            lab.StartClient();
            await ExpectHolderAsync(lab, "a", "startup");

            // kill -9: keepalived on a outlives Tandem, but the heartbeat goes stale and the alive check puts it in FAULT.
            var crash = await MeasureAsync(lab, "crash", () => { lab.Tandem("a").KillHard(); return Task.CompletedTask; });
            await ExpectHolderAsync(lab, "b", "crash");
            Assert.True(crash.LongestGapMs < GapBound, "crash: " + crash);
            lab.StartTandem("a");
            await ExpectHolderAsync(lab, "a", "return after crash");

            // SIGTERM: a drops to priority 1, b preempts, then a drains: nothing is lost. A slow request (2 s) started
            // just before is still in flight on a when the VIP moves to b; its response must still reach the client,
            // which takes the listening sockets' IP_TRANSPARENT (the kernel no longer routes from a removed address).
            // Acting only once a's backend has the request: a fixed pause was not enough on a loaded machine, where
            // starting the client took longer and its request reached b after the move.
            var inFlight = lab.RequestOnceAsync("/slow");
            Assert.True(await lab.WaitForSlowRequestAsync("a", TimeSpan.FromSeconds(10)), "the slow request did not reach a within 10 s");
            var graceful = await MeasureAsync(lab, "graceful-stop", () => lab.Tandem("a").SignalAsync("TERM"));
            Assert.True(await lab.Tandem("a").WaitForExitAsync(TimeSpan.FromSeconds(15)), "a did not exit after SIGTERM");
            await ExpectHolderAsync(lab, "b", "graceful stop");
            Assert.Equal("a", await inFlight);
            Assert.True(graceful.Failed == 0, "graceful stop: " + graceful);

            // The old master returns: standby first, then it takes the VIP back once, without a lost request.
            // The window ends a few seconds after a holds the VIP again, not at a fixed time after the start: a loaded
            // machine can take longer than any fixed window to start a, and a move at the window's edge was cut in two.
            var back = await MeasureAsync(lab, "master-returns", async () =>
            {
                lab.StartTandem("a");
                await ExpectHolderAsync(lab, "a", "master returns");
            });
            // Moves: exactly the one planned move back (no flapping); b keeps answering what it accepted before the move.
            Assert.True(back.Moves <= 1 && back.Failed == 0, "master returns: " + back);

            // SIGSTOP: a hung Tandem stops its heartbeat.
            var hung = await MeasureAsync(lab, "hung", () => lab.Tandem("a").SignalAsync("STOP"));
            await ExpectHolderAsync(lab, "b", "hang");
            Assert.True(hung.LongestGapMs < GapBound, "hung: " + hung);
            await lab.Tandem("a").SignalAsync("CONT");
            await ExpectHolderAsync(lab, "a", "return after hang");

            // Cable pulled on the bridge side: b stops hearing adverts and takes over.
            var link = await MeasureAsync(lab, "link-down", () => lab.SetLinkAsync("a", up: false));
            Assert.Equal("b", link.LastNode);
            Assert.True(link.LongestGapMs < GapBound, "link down: " + link);
            await lab.SetLinkAsync("a", up: true);
            await ExpectHolderAsync(lab, "a", "link back");
        }
        catch
        {
            output.WriteLine(lab.Transcripts());
            throw;
        }
    }

    /// <summary>
    /// "A VIP serves TCP and UDP too": each node has a tcp and a udp listener on every address. New TCP connections and
    /// UDP queries to the VIP reach a while it is master, and b after a is stopped (SIGTERM). The UDP client, like a
    /// DNS resolver, takes an answer only from the VIP it asked, so an answer sent from the node's own address fails.
    /// The bound is generous (a loaded 2-core box); the test shows that layer 4 follows the VIP, not how fast.
    /// </summary>
    [RequiresFact("keepalived", "ip", "python3", Root = true)]
    public async Task Failover_MasterStopped_NewTcpConnectionsAndUdpQueriesReachTheBackup()
    {
        Requirements.Check(Tools, root: true);
        await using var lab = await PairLab.UpAsync(layer4: true);
        try
        {
            lab.StartTandem("a");
            lab.StartTandem("b");
            await ExpectHolderAsync(lab, "a", "startup");
            Assert.Equal(("a", "a"), await Layer4UntilAsync(lab, "a", "before the stop"));

            await lab.Tandem("a").SignalAsync("TERM");
            Assert.True(await lab.Tandem("a").WaitForExitAsync(TimeSpan.FromSeconds(15)), "a did not exit after SIGTERM");
            await ExpectHolderAsync(lab, "b", "master stopped");
            Assert.Equal(("b", "b"), await Layer4UntilAsync(lab, "b", "after the stop"));
        }
        catch
        {
            output.WriteLine(lab.Transcripts());
            throw;
        }
    }

    /// <summary>Asks over TCP and UDP until both answers name <paramref name="node"/> or <see cref="HolderBound"/> passes; the last answers.</summary>
    private async Task<(string Tcp, string Udp)> Layer4UntilAsync(PairLab lab, string node, string step)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = ("none", "none");
        while (clock.Elapsed < HolderBound)
        {
            answers = await lab.Layer4OnceAsync();
            if (answers == (node, node))
            {
                break;
            }
            await Task.Delay(200);
        }
        output.WriteLine($"{step}: tcp {answers.Item1}, udp {answers.Item2} after {clock.ElapsedMilliseconds} ms");
        return answers;
    }

    private async Task<Measurement> MeasureAsync(PairLab lab, string name, Func<Task> act, TimeSpan? window = null)
    {
        var from = PairLab.Now();
        await act();
        await Task.Delay(window ?? Window);
        var lines = lab.ClientLines();
        var measured = ClientLog.Measure(lines, from, PairLab.Now());
        output.WriteLine($"{name}: {measured}");
        if (measured.Failed > 0)
        {
            output.WriteLine($"{name}: client lines around the failures (ms since the action): {ClientLog.AroundFailures(lines, from)}");
        }
        if (Environment.GetEnvironmentVariable("TANDEM_PAIR_RESULTS") is { Length: > 0 } results)
        {
            File.AppendAllText(results, string.Create(CultureInfo.InvariantCulture,
                $"{name} {measured.Failed} {measured.LongestGapMs} {measured.Moves}\n"));
        }
        return measured;
    }

    private async Task ExpectHolderAsync(PairLab lab, string node, string step)
    {
        if (!await lab.WaitForHolderAsync(node, HolderBound))
        {
            Assert.Fail($"{step}: node {node} did not hold the VIP within {HolderBound.TotalSeconds} s (holder: {await lab.VipHolderAsync() ?? "none"}); "
                + $"last client lines: {string.Join(" | ", lab.ClientLines().TakeLast(5))}");
        }
        output.WriteLine($"{step}: VIP on {node}");
    }
}
