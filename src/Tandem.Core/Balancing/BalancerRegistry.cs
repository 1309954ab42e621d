namespace Tandem.Core.Balancing;

/// <summary>Maps the algorithm names of <see cref="BalancingAlgorithms"/> to their implementations (all stateless).</summary>
public static class BalancerRegistry
{
    private static readonly IBalancer RoundRobin = new WeightedRoundRobinBalancer(BalancingAlgorithms.RoundRobin);
    private static readonly IBalancer WeightedRoundRobin = new WeightedRoundRobinBalancer(BalancingAlgorithms.WeightedRoundRobin);

    // dynamic-weighted is smooth weighted round robin over the weights DynamicWeights derives from live load.
    private static readonly IBalancer DynamicWeighted = new WeightedRoundRobinBalancer(BalancingAlgorithms.DynamicWeighted);
    private static readonly IBalancer LeastConnections = new LeastConnectionsBalancer();
    private static readonly IBalancer IpHash = new ConsistentHashBalancer();
    private static readonly IBalancer PowerOfTwoChoices = new PowerOfTwoChoicesBalancer();
    private static readonly IBalancer PeakEwma = new PeakEwmaBalancer();
    private static readonly IBalancer Random = new RandomBalancer();

    /// <summary>The balancer for a validated algorithm name.</summary>
    public static IBalancer Get(string algorithm) => algorithm switch
    {
        BalancingAlgorithms.RoundRobin => RoundRobin,
        BalancingAlgorithms.WeightedRoundRobin => WeightedRoundRobin,
        BalancingAlgorithms.DynamicWeighted => DynamicWeighted,
        BalancingAlgorithms.LeastConnections => LeastConnections,
        BalancingAlgorithms.IpHash => IpHash,
        BalancingAlgorithms.PowerOfTwoChoices => PowerOfTwoChoices,
        BalancingAlgorithms.PeakEwma => PeakEwma,
        BalancingAlgorithms.Random => Random,
        _ => throw new ArgumentException($"unknown balancing algorithm '{algorithm}'", nameof(algorithm)),
    };
}
