namespace Tandem.Core.Runtime;

/// <summary>
/// The node's rate limiters as the pair sees them: what local requests spent since the last look, and a way to charge
/// what the peer's requests spent, so a client that switches nodes spends one budget, not two.
/// Concurrency: thread-safe; <see cref="TakeSpent"/> from one loop at a time.
/// </summary>
public interface IRateLimitLedger
{
    /// <summary>
    /// Tokens spent on this node since the last call, per policy and key, the most spent first, at most
    /// <paramref name="max"/> (the rest is forgotten). The first call starts the counting.
    /// </summary>
    IReadOnlyList<RateLimitSpend> TakeSpent(int max);

    /// <summary>Charges the peer's spending to this node's buckets of the same policy and key; returns how many entries found their policy.</summary>
    int Charge(IReadOnlyList<RateLimitSpend> spent);
}

/// <summary><paramref name="Count"/> tokens of <paramref name="Policy"/>'s bucket <paramref name="Key"/>.</summary>
public readonly record struct RateLimitSpend(string Policy, string Key, int Count);
