using Tandem.Core.Balancing;
using Tandem.Core.Pools;

namespace Tandem.Core.Tests.Pools;

public sealed class PoolRegistryTests
{
    private sealed class CountingTelemetry : IServerTelemetryFactory
    {
        public List<string> Created { get; } = [];

        public List<string> Disposed { get; } = [];

        public IServerTelemetry Create(string pool, string server)
        {
            Created.Add(pool + "/" + server);
            return new Telemetry(this, pool + "/" + server);
        }

        public IServerTelemetry CreateUnrouted(string pool) => Create(pool, "none");

        private sealed class Telemetry(CountingTelemetry owner, string name) : IServerTelemetry
        {
            public void RequestCompleted(int statusCode, double seconds)
            {
            }

            public void Dispose() => owner.Disposed.Add(name);
        }
    }

    [Fact]
    public void Apply_SameServerAgain_KeepsCountersAndRuntimeState()
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        var first = registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a", port: 9001), TestServers.Config("b", port: 9002))]);
        var a = first["app"].FindServer("a")!;
        a.RequestStarted();
        a.RequestCompleted(200, false, 0.01);
        first["app"].SetAdminState(a, AdminState.Draining);
        first["app"].SetWeight(a, 7);

        var second = registry.Apply([TestServers.Pool(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", port: 9001), TestServers.Config("c", port: 9003))]);

        var kept = second["app"].FindServer("a")!;
        Assert.Same(a, kept);
        Assert.Equal(1, kept.Requests);
        Assert.Equal(AdminState.Draining, kept.AdminState);
        Assert.Equal(7, kept.Weight);
        Assert.Null(second["app"].FindServer("b"));
        Assert.NotSame(first["app"], second["app"]);
        Assert.Same(second["app"], registry.Find("app"));
    }

    [Fact]
    public void Apply_FileWeightChanged_DropsRuntimeWeight()
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        var first = registry.Apply([TestServers.Pool(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", 1, port: 9001))]);
        first["app"].SetWeight(first["app"].FindServer("a")!, 9);

        var second = registry.Apply([TestServers.Pool(BalancingAlgorithms.WeightedRoundRobin, TestServers.Config("a", 4, port: 9001))]);

        Assert.Equal(4, second["app"].FindServer("a")!.Weight);
        Assert.False(second["app"].FindServer("a")!.HasWeightOverride);
    }

    [Fact]
    public void Apply_AddressChanged_IsANewServer()
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        var first = registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a", port: 9001))]);
        var second = registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a", port: 9009))]);

        Assert.NotSame(first["app"].FindServer("a"), second["app"].FindServer("a"));
        Assert.Equal(9009, second["app"].FindServer("a")!.Address.Port);
    }

    [Fact]
    public void Apply_ServerRemoved_DisposesItsTelemetryOnly()
    {
        var telemetry = new CountingTelemetry();
        var registry = new PoolRegistry(telemetry);
        registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a", port: 9001), TestServers.Config("b", port: 9002))]);

        registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, TestServers.Config("a", port: 9001))]);
        registry.Apply([]);

        Assert.Equal(["app/b", "app/a", "app/none"], telemetry.Disposed);
    }

    [Fact]
    public void Apply_SamePool_RotationContinuesAcrossReload()
    {
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        var servers = new[] { TestServers.Config("a", port: 9001), TestServers.Config("b", port: 9002) };
        var first = registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, servers)]);
        var before = TestServers.Picks(first["app"], 1);

        var second = registry.Apply([TestServers.Pool(BalancingAlgorithms.RoundRobin, servers)]);
        var after = TestServers.Picks(second["app"], 1);

        Assert.Equal(["a"], before);
        Assert.Equal(["b"], after);
    }
}
