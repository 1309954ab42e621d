using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Testing;
using Tandem.Tests.Support;
using Xunit.Abstractions;

namespace Tandem.Tests.Hosting;

/// <summary>
/// Rate limits summed over the pair: one client alternating between the two nodes at three times the rate gets about
/// one budget, not one per node. Real nodes on loopback; the numbers are printed (bench/pair-sync.md).
/// </summary>
public sealed class PairRateLimitTests(ITestOutputHelper output)
{
    private const int Rate = 20;
    private const int Burst = 20;
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(4);

    private static PairExtras Extras(string? pair = null) => new(
        Listener: """
            policy: capped
            routes:
              - name: ok
                match: { path: / }
                respond: { status: 200, body: ok }
            """,
        Top: string.Create(CultureInfo.InvariantCulture, $"""
            policies:
              - name: capped
                rate-limit: {"{"} key: ip, rate: {Rate}/s, burst: {Burst} {"}"}
            """),
        Pair: pair);

    [Fact]
    public async Task AlternatingClient_AtThreeTimesTheRate_GetsAboutOneBudgetForThePair()
    {
        await using var pair = await PairHarness.StartAsync(peerTimeout: "2s", extras: Extras("rate-limit-sync: 100ms"));
        await WaitSyncedAsync(pair);

        var (sent, allowed, budget) = await AlternateAsync(pair);

        output.WriteLine($"pair-summed: sent {sent}, allowed {allowed}, one budget {budget:F0} ({allowed / budget:P0} of it)");
        Assert.True(allowed <= budget * 1.3 + 5, $"allowed {allowed} of {sent}; one budget is {budget:F0}, two would be {2 * budget:F0}");
        Assert.True(allowed >= budget * 0.6, $"allowed {allowed} of {sent}; one budget is {budget:F0}: the pair refuses too much");

        // The admin API shows the policy's decisions on each node and its limiter's key.
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        var view = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://127.0.0.1:{pair.AdminA}/api/policies"));
        var capped = view.GetProperty("policies")[0];
        Assert.Equal("capped", capped.GetProperty("name").GetString());
        Assert.Equal(["web"], capped.GetProperty("listeners").EnumerateArray().Select(l => l.GetString()));
        var decided = capped.GetProperty("allowed").GetInt64() + capped.GetProperty("denied").GetProperty("rate").GetInt64();
        Assert.Equal((sent + 1) / 2, decided);
        Assert.Equal(1, capped.GetProperty("rateLimit").GetProperty("keys").GetInt32());
    }

    [Fact]
    public async Task AlternatingClient_SyncOff_GetsABudgetPerNode()
    {
        await using var pair = await PairHarness.StartAsync(peerTimeout: "2s", extras: Extras("rate-limit-sync: off"));
        await WaitSyncedAsync(pair);

        var (sent, allowed, budget) = await AlternateAsync(pair);

        output.WriteLine($"per node: sent {sent}, allowed {allowed}, one budget {budget:F0} ({allowed / budget:P0} of it)");
        // Each node sees half the requests, 1.5 times its rate: it lets through a budget of its own.
        Assert.True(allowed >= Math.Min(budget * 1.5, sent * 0.6), $"allowed {allowed} of {sent}; one budget is {budget:F0}");
    }

    /// <summary>Requests paced at three times the rate for <see cref="Run"/>, alternating between A and B; returns what was sent and let through, and one budget for the time taken.</summary>
    private async Task<(int Sent, int Allowed, double Budget)> AlternateAsync(PairHarness pair)
    {
        using var http = TestHttp.Client(TimeSpan.FromSeconds(5));
        Uri[] nodes = [new($"http://127.0.0.1:{pair.Ports[0]}/"), new($"http://127.0.0.1:{pair.Ports[3]}/")];
        var gap = TimeSpan.FromSeconds(1.0 / (3 * Rate));
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var allowed = 0;
        var perSecond = new int[(int)Run.TotalSeconds + 2];
        while (clock.Elapsed < Run)
        {
            var due = gap * sent;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            using var response = await http.GetAsync(nodes[sent % 2]);
            sent++;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                allowed++;
                perSecond[Math.Min((int)clock.Elapsed.TotalSeconds, perSecond.Length - 1)]++;
            }
            else
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"allowed per second: {string.Join(", ", perSecond)} (rate {Rate}/s, burst {Burst}, {sent / seconds:F0} requests/s sent for {seconds:F1} s)");
        return (sent, allowed, Burst + Rate * seconds);
    }

    private static async Task WaitSyncedAsync(PairHarness pair)
    {
        var synced = await TestHttp.WaitUntilAsync(() => Task.FromResult(
            pair.A!.Pair!.IsSynced && pair.B!.Pair!.IsSynced && pair.A.PairHealth.Current.PeerAlive && pair.B.PairHealth.Current.PeerAlive),
            TimeSpan.FromSeconds(10));
        Assert.True(synced, $"the pair did not sync; A:\n{PairHarness.Log(pair.LogsA)}\nB:\n{PairHarness.Log(pair.LogsB)}");
    }
}
