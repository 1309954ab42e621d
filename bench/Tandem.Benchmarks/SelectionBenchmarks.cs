using BenchmarkDotNet.Attributes;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Benchmarks;

/// <summary>The per-request pick: must cost a few nanoseconds and allocate nothing.</summary>
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    private PoolState _pool = null!;

    [Params(BalancingAlgorithms.RoundRobin, BalancingAlgorithms.WeightedRoundRobin)]
    public string Algorithm { get; set; } = BalancingAlgorithms.RoundRobin;

    [Params(2, 16)]
    public int Servers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var servers = new List<ServerConfig>();
        for (var i = 0; i < Servers; i++)
        {
            var weight = Algorithm == BalancingAlgorithms.WeightedRoundRobin ? 1 + (i * 37 % 256) : 1;
            servers.Add(new ServerConfig { Name = "s" + i, Address = new HostPort("127.0.0.1", 9000 + i), Weight = weight });
        }
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        _pool = registry.Apply([new PoolConfig { Name = "app", Algorithm = Algorithm, Servers = servers }])["app"];
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public ServerState? Pick()
    {
        var context = default(SelectionContext);
        ServerState? last = null;
        for (var i = 0; i < 1000; i++)
        {
            last = _pool.Pick(in context);
        }
        return last;
    }
}
