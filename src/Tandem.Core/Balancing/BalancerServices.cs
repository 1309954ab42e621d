namespace Tandem.Core.Balancing;

/// <summary>The clock and randomness balancers and load trackers use; one instance per node, injected for tests.</summary>
public sealed record BalancerServices(TimeProvider Time, IRandomSource Random)
{
    /// <summary>The system clock and <see cref="SharedRandomSource"/>.</summary>
    public static readonly BalancerServices Default = new(TimeProvider.System, SharedRandomSource.Instance);
}
