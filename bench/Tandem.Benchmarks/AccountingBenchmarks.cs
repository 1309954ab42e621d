using BenchmarkDotNet.Attributes;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Observability.Metrics;

namespace Tandem.Benchmarks;

/// <summary>
/// What every request costs besides forwarding: pick, in-flight accounting and the Prometheus counter and histogram
/// (the real prometheus-net instruments). Must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class AccountingBenchmarks
{
    private PoolState _pool = null!;

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new TandemMetrics();
        var registry = new PoolRegistry(metrics);
        ServerConfig[] servers =
        [
            new() { Name = "a", Address = new HostPort("127.0.0.1", 9001) },
            new() { Name = "b", Address = new HostPort("127.0.0.1", 9002) },
        ];
        _pool = registry.Apply([new PoolConfig { Name = "app", Algorithm = BalancingAlgorithms.RoundRobin, Servers = servers }])["app"];
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void PickAndRecord()
    {
        var context = default(SelectionContext);
        for (var i = 0; i < 1000; i++)
        {
            var server = _pool.Pick(in context)!;
            server.RequestStarted();
            server.RequestCompleted(200, serverFailed: false, seconds: 0.0012);
        }
    }
}
