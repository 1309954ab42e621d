using Tandem.Core.Balancing;

namespace Tandem.Testing;

/// <summary>
/// A reproducible <see cref="IRandomSource"/> for tests: <see cref="Random"/> with a fixed seed behind a lock.
/// Safe from many threads at once; the draws are reproducible when one thread makes them (across threads only
/// their interleaving varies). Allocates nothing per draw.
/// </summary>
public sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    public int NextInt(int maxExclusive)
    {
        lock (_gate)
        {
            return _random.Next(maxExclusive);
        }
    }
}
