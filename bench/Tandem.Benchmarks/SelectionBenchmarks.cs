using System.Net;
using BenchmarkDotNet.Attributes;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Benchmarks;

/// <summary>
/// The per-request pick of every algorithm: must cost a few nanoseconds and allocate nothing. Weights are mixed
/// (1..256) except for round-robin; every server has a latency sample and 0-2 requests in flight, so least-connections
/// and peak-ewma compare real numbers; ip-hash gets the hashes of 1,024 different client addresses in turn.
/// </summary>
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    private const int Clients = 1024;

    private PoolState _pool = null!;
    private SelectionContext[] _contexts = null!;

    public static IEnumerable<string> Algorithms => BalancingAlgorithms.All;

    [ParamsSource(nameof(Algorithms))]
    public string Algorithm { get; set; } = BalancingAlgorithms.RoundRobin;

    [Params(2, 10, 100)]
    public int Servers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var servers = new List<ServerConfig>();
        for (var i = 0; i < Servers; i++)
        {
            var weight = Algorithm == BalancingAlgorithms.RoundRobin ? 1 : 1 + (i * 37 % 256);
            servers.Add(new ServerConfig { Name = "s" + i, Address = new HostPort("127.0.0.1", 9000 + i), Weight = weight });
        }
        var registry = new PoolRegistry(NullServerTelemetry.Instance);
        _pool = registry.Apply([new PoolConfig { Name = "app", Algorithm = Algorithm, Servers = servers }])["app"];
        for (var i = 0; i < _pool.Servers.Count; i++)
        {
            var server = _pool.Servers[i];
            server.RequestStarted();
            server.RequestCompleted(200, serverFailed: false, seconds: 0.001 * (1 + (i % 5)));
            for (var busy = 0; busy < i % 3; busy++)
            {
                server.RequestStarted();
            }
        }

        _contexts = new SelectionContext[Clients];
        for (var i = 0; i < Clients; i++)
        {
            var address = new IPAddress([10, (byte)(i >> 8), (byte)i, (byte)(i * 7)]);
            _contexts[i] = new SelectionContext(address, ClientHash.Of(address));
        }
    }

    [Benchmark(OperationsPerInvoke = Clients)]
    public ServerState? Pick()
    {
        ServerState? last = null;
        var contexts = _contexts;
        for (var i = 0; i < contexts.Length; i++)
        {
            last = _pool.Pick(in contexts[i]);
        }
        return last;
    }
}
