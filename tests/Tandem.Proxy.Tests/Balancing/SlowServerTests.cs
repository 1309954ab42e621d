using Tandem.Core.Balancing;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Balancing;

/// <summary>
/// One fast server and one that adds 200 ms to every response, 16 concurrent clients through the real proxy: the
/// load-aware algorithms send most requests to the fast one, round robin splits evenly by count.
/// </summary>
public sealed class SlowServerTests
{
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(4);

    private static string Weights = "";

    [Theory]
    [InlineData(BalancingAlgorithms.LeastConnections)]
    [InlineData(BalancingAlgorithms.PowerOfTwoChoices)]
    [InlineData(BalancingAlgorithms.PeakEwma)]
    [InlineData(BalancingAlgorithms.DynamicWeighted)]
    public async Task LoadAware_SlowAndFastServer_AtLeast75PercentToFast(string algorithm)
    {
        var (fast, slow) = await RunAsync(algorithm);

        Assert.True(fast >= 0.75 * (fast + slow), $"{algorithm}: fast {fast}, slow {slow}; {Weights}");
    }

    [Fact]
    public async Task RoundRobin_SlowAndFastServer_HalfToEach()
    {
        var (fast, slow) = await RunAsync(BalancingAlgorithms.RoundRobin);

        Assert.InRange(fast / (double)(fast + slow), 0.45, 0.55);
    }

    private static async Task<(long Fast, long Slow)> RunAsync(string algorithm)
    {
        await using var fast = await TestBackend.StartAsync("fast");
        await using var slow = await TestBackend.StartAsync("slow", delay: TimeSpan.FromMilliseconds(200));
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(algorithm, fast.ServerConfig(), slow.ServerConfig()));
        using var client = TestHttp.Client(TimeSpan.FromSeconds(10));
        using var deadline = new CancellationTokenSource(Load);

        var clients = new Task[16];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = Task.Run(async () =>
            {
                // Bounded by the deadline and by count.
                for (var n = 0; n < 2_000 && !deadline.IsCancellationRequested; n++)
                {
                    using var response = await client.GetAsync(proxy.BaseAddress, CancellationToken.None);
                    response.EnsureSuccessStatusCode();
                }
            });
        }
        await Task.WhenAll(clients);
        var pool = proxy.Pools.Find("app")!;
        Weights = $"weights fast {pool.FindServer("fast")!.EffectiveWeight}, slow {pool.FindServer("slow")!.EffectiveWeight}";
        return (fast.Requests, slow.Requests);
    }
}
