using Microsoft.Extensions.Time.Testing;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Proxy.Tests.Admission.Policies;

/// <summary>A bucket's spending as the pair takes it, and the peer's spending charged to it (tokens first, then a debt).</summary>
public sealed class RateLimitShareTests
{
    // 1/h: nothing refills while a test runs.
    private static RateLimitTable Table(int burst = 10) => new(rate: 1, per: TimeSpan.FromHours(1), burst: burst, size: 100, new FakeTimeProvider());

    [Fact]
    public void TakeSpent_Tracking_CountsPerKeySinceTheLastTake()
    {
        var table = Table();
        table.TryAcquire("@10.0.0.1", out _);
        table.StartTracking();
        for (var i = 0; i < 3; i++)
        {
            table.TryAcquire("@10.0.0.1", out _);
        }
        table.TryAcquire("@10.0.0.2", out _);

        var first = new List<(string, int)>();
        table.TakeSpent(first);
        table.TryAcquire("@10.0.0.2", out _);
        var second = new List<(string, int)>();
        table.TakeSpent(second);

        Assert.Equal([("@10.0.0.1", 3), ("@10.0.0.2", 1)], first.OrderBy(e => e.Item1));
        Assert.Equal([("@10.0.0.2", 1)], second);
    }

    [Fact]
    public void TakeSpent_RefusedRequests_NotCounted()
    {
        var table = Table(burst: 2);
        table.StartTracking();
        for (var i = 0; i < 5; i++)
        {
            table.TryAcquire("k", out _);
        }
        var spent = new List<(string, int)>();
        table.TakeSpent(spent);

        Assert.Equal([("k", 2)], spent);
    }

    [Fact]
    public void Charge_WithinTheTokensHeld_LeavesTheRest()
    {
        var table = Table(burst: 10);

        table.Charge("k", 7);

        Assert.Equal(3, Allowed(table, "k", 10));
    }

    [Fact]
    public void Charge_BeyondTheTokensHeld_DebtRefusesTheNextTokens()
    {
        var table = Table(burst: 10);
        Assert.Equal(8, Allowed(table, "k", 8));

        // Two tokens left, fifteen spent on the peer: both go, and the debt (capped at one bucket) waits for more.
        table.Charge("k", 15);

        Assert.False(table.TryAcquire("k", out var retryAfter));
        Assert.True(retryAfter >= TimeSpan.FromMinutes(59), $"retry after {retryAfter}");
    }

    [Fact]
    public void Charge_UnknownKey_StartsAFullBucketAndTakesFromIt()
    {
        var table = Table(burst: 10);

        table.Charge("new", 4);

        Assert.Equal(6, Allowed(table, "new", 10));
        Assert.Equal(1, table.Count);
    }

    private static int Allowed(RateLimitTable table, string key, int tries)
    {
        var allowed = 0;
        for (var i = 0; i < tries; i++)
        {
            allowed += table.TryAcquire(key, out _) ? 1 : 0;
        }
        return allowed;
    }
}
