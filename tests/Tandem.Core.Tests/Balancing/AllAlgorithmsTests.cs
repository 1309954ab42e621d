using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;
using Tandem.Testing;

namespace Tandem.Core.Tests.Balancing;

/// <summary>
/// What every algorithm in <see cref="BalancingAlgorithms.All"/> must do, whatever its rule: follow the weights, starve
/// nobody, never pick an unusable server, fall back to backups only when no primary is usable, allocate nothing.
/// Random choices come from a fixed seed, so a failure reproduces.
/// </summary>
public sealed class AllAlgorithmsTests
{
    private const int Picks = 40_000;

    /// <summary>Requests kept in flight by <see cref="PickUnderLoad"/>; large enough that a weight-1 server holds several.</summary>
    private const int Concurrency = 100;

    private static readonly SelectionContext[] Clients = TestClients.Contexts(10_000);

    public static TheoryData<string> Algorithms => new(BalancingAlgorithms.All);

    public static TheoryData<string, int[]> AlgorithmsAndWeights
    {
        get
        {
            var data = new TheoryData<string, int[]>();
            foreach (var algorithm in BalancingAlgorithms.All)
            {
                data.Add(algorithm, [5, 3]);
                data.Add(algorithm, [1, 2, 7]);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndWeights))]
    public void Pick_IdlePool_SharesFollowWeights(string algorithm, int[] weights)
    {
        var pool = TestServers.State(algorithm, TestServers.Services(new FakeTimeProvider()), TestServers.Weighted(weights));

        var counts = TestClients.Count(pool, Clients, Picks);

        AssertShares(weights, counts, IdleTolerance(algorithm));
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndWeights))]
    public void Pick_SteadyLoadOfEqualRequests_SharesFollowWeights(string algorithm, int[] weights)
    {
        var time = new FakeTimeProvider();
        var pool = TestServers.State(algorithm, TestServers.Services(time), TestServers.Weighted(weights));

        var counts = PickUnderLoad(pool, time, Picks);

        // Load-aware algorithms balance in-flight per weight, which equals the pick share when every request takes as long.
        AssertShares(weights, counts, algorithm == BalancingAlgorithms.IpHash ? 0.03 : 0.02);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pick_VeryUnequalWeights_NoServerStarves(string algorithm)
    {
        int[] weights = [100, 1, 1, 5, 20];
        var time = new FakeTimeProvider();
        var idle = TestServers.State(algorithm, TestServers.Services(time), TestServers.Weighted(weights));
        var busy = TestServers.State(algorithm, TestServers.Services(time), TestServers.Weighted(weights));

        var idleCounts = TestClients.Count(idle, Clients, Picks);
        var loadedCounts = PickUnderLoad(busy, time, Picks);

        foreach (var (counts, loaded) in (ReadOnlySpan<(Dictionary<string, int>, bool)>)[(idleCounts, false), (loadedCounts, true)])
        {
            // Every server gets picks; most get at least half their share. Two get less by design: a weight-1 server on
            // the ip-hash ring has 6 points against 640, so its arc is far from its share; and peak-ewma's cost
            // latency x (in flight + 1) / weight makes an idle weight-1 server cost more than the weight-100 one with
            // 80 in flight, so under load it wins only when the heavy one is nearly full.
            var lenient = algorithm == BalancingAlgorithms.IpHash || (loaded && algorithm == BalancingAlgorithms.PeakEwma);
            for (var i = 0; i < weights.Length; i++)
            {
                var name = ((char)('a' + i)).ToString();
                var fair = (double)Picks * weights[i] / weights.Sum();
                Assert.True(counts[name] >= (lenient ? 1 : fair / 2),
                    $"{algorithm}{(loaded ? " under load" : "")}: {name} (weight {weights[i]}) got {counts[name]} of {Picks} picks, fair share {fair:F0}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pick_DownDrainingOrDisabledServers_NeverPicked(string algorithm)
    {
        var time = new FakeTimeProvider();
        var pool = TestServers.State(algorithm, TestServers.Services(time), TestServers.Weighted(1, 1, 1, 1, 1));
        pool.SetHealth(pool.FindServer("b")!, HealthStatus.Down);
        pool.SetAdminState(pool.FindServer("c")!, AdminState.Draining);
        pool.SetAdminState(pool.FindServer("d")!, AdminState.Disabled);

        var idle = TestClients.Count(pool, Clients, 10_000);
        var loaded = PickUnderLoad(pool, time, 10_000);

        foreach (var counts in (Dictionary<string, int>[])[idle, loaded])
        {
            Assert.Equal(0, counts["b"] + counts["c"] + counts["d"]);
            Assert.InRange(counts["a"], 3_500, 6_500);
            Assert.Equal(10_000, counts["a"] + counts["e"]);
        }
        Assert.Equal(2, pool.UsableCount);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pick_Backup_UsedOnlyWhileNoPrimaryIsUsable(string algorithm)
    {
        var pool = TestServers.State(algorithm, TestServers.Services(new FakeTimeProvider()),
            TestServers.Config("a", 1), TestServers.Config("b", 3), TestServers.Config("standby", 5, backup: true));
        var a = pool.FindServer("a")!;
        var b = pool.FindServer("b")!;

        var normal = TestClients.Count(pool, Clients, 5_000);
        pool.SetHealth(a, HealthStatus.Down);
        var oneDown = TestClients.Count(pool, Clients, 5_000);
        pool.SetAdminState(b, AdminState.Draining);
        var failedOver = TestClients.Count(pool, Clients, 5_000);
        pool.SetHealth(a, HealthStatus.Up);
        var recovered = TestClients.Count(pool, Clients, 5_000);

        Assert.Equal(0, normal["standby"]);
        Assert.True(normal["a"] > 0 && normal["b"] > 0);
        Assert.Equal(5_000, oneDown["b"]);
        Assert.Equal(5_000, failedOver["standby"]);
        Assert.Equal(5_000, recovered["a"]);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Pick_AfterWarmUp_AllocatesNothing(string algorithm)
    {
        // The production clock and random source: what requests really run on.
        var pool = TestServers.State(algorithm, TestServers.Weighted(5, 3, 2));
        foreach (var server in pool.Servers)
        {
            server.RequestStarted();
            server.RequestCompleted(200, serverFailed: false, seconds: 0.002);
        }
        pool.Servers[0].RequestStarted();
        for (var i = 0; i < 1_000; i++)
        {
            pool.Pick(in Clients[i]);
        }

        var allocated = AllocationMeter.BytesAllocated(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                pool.Pick(in Clients[i]);
            }
        });

        Assert.Equal(0, allocated);
    }

    public static TheoryData<string> DeterministicAlgorithms => new(
        BalancingAlgorithms.RoundRobin, BalancingAlgorithms.WeightedRoundRobin, BalancingAlgorithms.DynamicWeighted,
        BalancingAlgorithms.LeastConnections, BalancingAlgorithms.IpHash);

    [Theory]
    [MemberData(nameof(DeterministicAlgorithms))]
    public void Explain_DeterministicAlgorithm_NamesTheNextPickWithoutTakingATurn(string algorithm)
    {
        var explained = TestServers.State(algorithm, TestServers.Weighted(5, 3, 2));
        var plain = TestServers.State(algorithm, TestServers.Weighted(5, 3, 2));
        var load = new Random(11);

        for (var i = 0; i < 200; i++)
        {
            // Vary the load the same way on both pools, so least connections has something to decide.
            var server = load.Next(3);
            var start = load.Next(2) == 0;
            foreach (var pool in (PoolState[])[explained, plain])
            {
                if (start)
                {
                    pool.Servers[server].RequestStarted();
                }
                else if (pool.Servers[server].InFlight > 0)
                {
                    pool.Servers[server].RequestCompleted(200, false, 0.001);
                }
            }

            var first = explained.Selector.Explain(in Clients[i]);
            var second = explained.Selector.Explain(in Clients[i]);
            var picked = explained.Pick(in Clients[i]);

            Assert.Same(picked, first.Server);
            Assert.Same(picked, second.Server);
            Assert.False(string.IsNullOrEmpty(first.Rule));
            Assert.Equal(plain.Pick(in Clients[i])!.Name, picked!.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Explain_NoUsableServer_SaysSoAndNamesNone(string algorithm)
    {
        var pool = TestServers.State(algorithm, TestServers.Weighted(1, 1));
        pool.SetHealth(pool.Servers[0], HealthStatus.Down);
        pool.SetHealth(pool.Servers[1], HealthStatus.Down);

        var explanation = pool.Selector.Explain(in Clients[0]);

        Assert.Null(explanation.Server);
        Assert.Null(pool.Pick(in Clients[0]));
        Assert.Contains("no server is usable", explanation.Rule, StringComparison.Ordinal);
    }

    /// <summary>
    /// Picks with <see cref="Concurrency"/> requests in flight: each pick starts a request and, once that many are
    /// outstanding, the oldest completes after 10 ms on the fake clock. Every request takes as long.
    /// </summary>
    internal static Dictionary<string, int> PickUnderLoad(PoolState pool, FakeTimeProvider time, int picks)
    {
        var counts = pool.Servers.ToDictionary(s => s.Name, _ => 0);
        var outstanding = new Queue<ServerState>();
        for (var i = 0; i < picks; i++)
        {
            var server = pool.Pick(in Clients[i % Clients.Length])!;
            counts[server.Name]++;
            server.RequestStarted();
            outstanding.Enqueue(server);
            if (outstanding.Count > Concurrency)
            {
                time.Advance(TimeSpan.FromMilliseconds(0.1));
                outstanding.Dequeue().RequestCompleted(200, serverFailed: false, seconds: 0.010);
            }
        }
        while (outstanding.Count > 0)
        {
            outstanding.Dequeue().RequestCompleted(200, serverFailed: false, seconds: 0.010);
        }
        return counts;
    }

    private static double IdleTolerance(string algorithm) => algorithm switch
    {
        // A period of smooth WRR divides the pick count: exact.
        BalancingAlgorithms.RoundRobin or BalancingAlgorithms.WeightedRoundRobin or BalancingAlgorithms.DynamicWeighted
            or BalancingAlgorithms.LeastConnections => 0,
        // The ring's arcs are only near the weights (640 points per server).
        BalancingAlgorithms.IpHash => 0.03,
        _ => 0.01,
    };

    private static void AssertShares(int[] weights, Dictionary<string, int> counts, double tolerance)
    {
        var total = counts.Values.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            var name = ((char)('a' + i)).ToString();
            var expected = (double)weights[i] / weights.Sum();
            var actual = (double)counts[name] / total;
            Assert.True(Math.Abs(actual - expected) <= tolerance + 1e-12,
                $"weights {string.Join(":", weights)}: {name} got {actual:P2} of picks, expected {expected:P2} ± {tolerance:P0} ({string.Join(", ", counts)})");
        }
    }
}
