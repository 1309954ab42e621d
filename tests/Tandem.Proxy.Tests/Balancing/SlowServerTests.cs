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
                for (var n = 0; n < 20_000 && !deadline.IsCancellationRequested; n++)
                {
                    using var response = await client.GetAsync(proxy.BaseAddress, CancellationToken.None);
                    response.EnsureSuccessStatusCode();
                }
            });
        }
        // Judge the second half only: load-following weights need a few rounds of latency samples to adapt, and on a
        // loaded machine the first half can be most of what they learned from.
        await Task.Delay(Load / 2);
        var (fastBefore, slowBefore) = (fast.Requests, slow.Requests);
        await Task.WhenAll(clients);
        var pool = proxy.Pools.Find("app")!;
        Weights = $"weights fast {pool.FindServer("fast")!.EffectiveWeight}, slow {pool.FindServer("slow")!.EffectiveWeight}; "
            + $"whole run fast {fast.Requests}, slow {slow.Requests}";
        return (fast.Requests - fastBefore, slow.Requests - slowBefore);
    }
}
