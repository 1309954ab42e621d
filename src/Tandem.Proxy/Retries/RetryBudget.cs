namespace Tandem.Proxy.Retries;

/// <summary>
/// Keeps retries to a share of a pool's requests, as Finagle's and Envoy's retry budgets: every request deposits
/// <c>share</c> of a token, every retry spends one, and the balance is capped (a burst allowance), so a dying pool
/// gets at most that share of extra load however many requests fail. Starts with the cap, so the first failures of a
/// quiet pool can be retried. Concurrency: one interlocked word; tokens are counted in thousandths.
/// </summary>
internal sealed class RetryBudget
{
    private const long Scale = 1000;
    private readonly long _deposit;
    private readonly long _cap;
    private long _balance;

    /// <param name="share">Retries allowed per request, e.g. 0.2.</param>
    /// <param name="burst">The most retries saved up.</param>
    public RetryBudget(double share, int burst)
    {
        _deposit = (long)(share * Scale);
        _cap = burst * Scale;
        _balance = _cap;
    }

    /// <summary>Called once per request.</summary>
    public void Deposit()
    {
        if (Volatile.Read(ref _balance) < _cap)
        {
            Interlocked.Add(ref _balance, _deposit);
        }
    }

    /// <summary>Takes one retry from the budget; false when it is spent.</summary>
    public bool TryWithdraw()
    {
        while (true)
        {
            var balance = Volatile.Read(ref _balance);
            if (balance < Scale)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _balance, balance - Scale, balance) == balance)
            {
                return true;
            }
        }
    }
}
