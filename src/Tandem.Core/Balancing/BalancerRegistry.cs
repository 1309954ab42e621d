namespace Tandem.Core.Balancing;

/// <summary>Maps the algorithm names of <see cref="BalancingAlgorithms"/> to their implementations.</summary>
public static class BalancerRegistry
{
    private static readonly IBalancer RoundRobin = new WeightedRoundRobinBalancer(BalancingAlgorithms.RoundRobin);
    private static readonly IBalancer WeightedRoundRobin = new WeightedRoundRobinBalancer(BalancingAlgorithms.WeightedRoundRobin);

    /// <summary>The balancer for a validated algorithm name.</summary>
    public static IBalancer Get(string algorithm) => algorithm switch
    {
        BalancingAlgorithms.RoundRobin => RoundRobin,
        BalancingAlgorithms.WeightedRoundRobin => WeightedRoundRobin,
        _ => throw new ArgumentException($"unknown balancing algorithm '{algorithm}'", nameof(algorithm)),
    };
}
