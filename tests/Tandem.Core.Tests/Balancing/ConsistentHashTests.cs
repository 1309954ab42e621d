using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;
using Tandem.Core.Tests.Pools;

namespace Tandem.Core.Tests.Balancing;

/// <summary><c>ip-hash</c> over 10,000 client addresses drawn with a fixed seed.</summary>
public sealed class ConsistentHashTests
{
    private static readonly SelectionContext[] Clients = TestClients.Contexts(10_000);

    [Fact]
    public void Pick_ThreeEqualServers_EachWithinTenPercentOfEven()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));

        var mapping = TestClients.Mapping(pool, Clients);

        Assert.All(["a", "b", "c"], name => Assert.InRange(mapping.Count(n => n == name), 3_000, 3_667));
    }

    [Fact]
    public void Pick_SameClient_AlwaysSameServer()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));

        Assert.Equal(TestClients.Mapping(pool, Clients), TestClients.Mapping(pool, Clients));
    }

    [Fact]
    public void Pick_OneOfThreeRemoved_OnlyItsClientsMove()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));
        var before = TestClients.Mapping(pool, Clients);

        pool.SetHealth(pool.FindServer("c")!, HealthStatus.Down);
        var after = TestClients.Mapping(pool, Clients);

        for (var i = 0; i < Clients.Length; i++)
        {
            if (before[i] == "c")
            {
                Assert.NotEqual("c", after[i]);
            }
            else
            {
                Assert.Equal(before[i], after[i]);
            }
        }
        // c's clients are spread over both survivors, not dumped on one.
        var moved = Enumerable.Range(0, Clients.Length).Where(i => before[i] == "c").Select(i => after[i]).ToList();
        Assert.InRange(moved.Count(n => n == "a"), moved.Count / 4, moved.Count * 3 / 4);
    }

    [Fact]
    public void Pick_FourthServerAdded_AboutAQuarterMoveAllToTheNewServer()
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        var three = registry.Apply([TestServers.Pool(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1))])["app"];
        var before = TestClients.Mapping(three, Clients);

        var four = registry.Apply([TestServers.Pool(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1, 1))])["app"];
        var after = TestClients.Mapping(four, Clients);

        var moved = Enumerable.Range(0, Clients.Length).Where(i => before[i] != after[i]).ToList();
        Assert.InRange(moved.Count / (double)Clients.Length, 0.15, 0.35);
        Assert.All(moved, i => Assert.Equal("d", after[i]));
    }

    [Fact]
    public void Pick_ServerDownAndBackUp_GetsItsClientsBack()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));
        var b = pool.FindServer("b")!;
        var before = TestClients.Mapping(pool, Clients);

        pool.SetHealth(b, HealthStatus.Down);
        var whileDown = TestClients.Mapping(pool, Clients);
        pool.SetHealth(b, HealthStatus.Up);
        var after = TestClients.Mapping(pool, Clients);

        Assert.DoesNotContain("b", whileDown);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Pick_TwoIndependentlyBuiltPools_SameMapping()
    {
        // Two nodes of a pair: separate registries, servers listed in another order.
        var one = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 2, 1, 3));
        var two = TestServers.State(BalancingAlgorithms.IpHash, [.. TestServers.Weighted(1, 2, 1, 3).Reverse()]);

        Assert.Equal(TestClients.Mapping(one, Clients), TestClients.Mapping(two, Clients));
    }

    [Fact]
    public void Pick_KnownClients_SameServersInEveryProcess()
    {
        // Pinned values: the ring and the client hash use XXH3 of bytes, never the per-process string hash, so
        // another node (or a restart) agrees. If this changes, sticky clients move on upgrade.
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));
        string[] addresses = ["192.0.2.1", "198.51.100.77", "203.0.113.200", "2001:db8::1", "10.1.2.3"];

        var servers = addresses.Select(a => pool.Pick(new SelectionContext(null, ClientHash.Of(IPAddress.Parse(a))))!.Name);

        Assert.Equal("a,b,a,a,c", string.Join(",", servers));
    }

    [Fact]
    public void Pick_Weights2To1_AboutTwoToOne()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(2, 1));

        var mapping = TestClients.Mapping(pool, Clients);

        var ratio = mapping.Count(n => n == "a") / (double)mapping.Count(n => n == "b");
        Assert.InRange(ratio, 1.8, 2.2);
    }

    [Fact]
    public void Explain_AnyClient_SameServerAsPickWithTheHashAndSlot()
    {
        var pool = TestServers.State(BalancingAlgorithms.IpHash, TestServers.Weighted(1, 1, 1));

        foreach (var client in Clients.Take(100))
        {
            var explanation = pool.Selector.Explain(in client);

            Assert.Same(pool.Pick(in client), explanation.Server);
            Assert.Equal(client.Hash.ToString("x16"), explanation.Facts["hash"]);
            Assert.Equal("1920", explanation.Facts["ring points"]);
        }
    }
}
