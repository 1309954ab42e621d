namespace Tandem.Core.Balancing;

/// <summary>
/// Randomness for the random-choice balancers, injected so tests can fix a seed. Implementations must be safe to call
/// from many request threads at once without a lock.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    int NextInt(int maxExclusive);
}

/// <summary>The process-wide <see cref="Random.Shared"/> (thread-local, lock-free): the production source.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public static readonly SharedRandomSource Instance = new();

    private SharedRandomSource()
    {
    }

    public int NextInt(int maxExclusive) => Random.Shared.Next(maxExclusive);
}
