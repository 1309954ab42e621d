using Tandem.Core.Runtime;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// The pair's view of the rate limiters of the policies in force (<see cref="IRateLimitLedger"/>): their spending, most
/// active keys first, and the peer's spending charged to the buckets of the policy of the same name. A policy that a
/// reload rebuilt starts counting anew. Off the request path. Concurrency: thread-safe; one taker at a time.
/// </summary>
internal sealed class RateLimitLedger(Func<PolicyCompiler?> policies) : IRateLimitLedger
{
    private readonly List<(string Key, int Count)> _scratch = [];

    public IReadOnlyList<RateLimitSpend> TakeSpent(int max)
    {
        if (policies() is not { } compiler)
        {
            return [];
        }
        var spent = new List<RateLimitSpend>();
        foreach (var policy in compiler.Policies)
        {
            if (Table(policy) is not { } table)
            {
                continue;
            }
            table.StartTracking();
            _scratch.Clear();
            table.TakeSpent(_scratch);
            foreach (var (key, count) in _scratch)
            {
                spent.Add(new RateLimitSpend(policy.Name, key, count));
            }
        }
        if (spent.Count > max)
        {
            // Bounded: the busiest keys are the ones a switching client could double.
            spent.Sort(static (a, b) => b.Count.CompareTo(a.Count));
            spent.RemoveRange(max, spent.Count - max);
        }
        return spent;
    }

    public int Charge(IReadOnlyList<RateLimitSpend> spent)
    {
        if (policies() is not { } compiler)
        {
            return 0;
        }
        var applied = 0;
        foreach (var entry in spent)
        {
            if (compiler.Find(entry.Policy) is { } policy && Table(policy) is { } table)
            {
                table.Charge(entry.Key, entry.Count);
                applied++;
            }
        }
        return applied;
    }

    private static RateLimitTable? Table(CompiledPolicy policy)
    {
        foreach (var check in policy.Checks)
        {
            if (check is RateLimitCheck rate)
            {
                return rate.Table;
            }
        }
        return null;
    }
}
