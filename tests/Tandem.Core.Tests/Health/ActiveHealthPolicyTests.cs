using Tandem.Core.Health;

namespace Tandem.Core.Tests.Health;

public sealed class ActiveHealthPolicyTests
{
    [Fact]
    public void Observe_FallFailuresInARow_DownWithReason()
    {
        var policy = new ActiveHealthPolicy(rise: 2, fall: 3);

        Assert.Null(policy.Observe(false, "connection refused"));
        Assert.True(policy.Failing);
        Assert.Null(policy.Observe(false, "connection refused"));
        var reason = policy.Observe(false, "connection refused");

        Assert.Equal("3 probes failed in a row (last: connection refused)", reason);
        Assert.False(policy.Up);
    }

    [Fact]
    public void Observe_PassBreaksTheRun_StaysUp()
    {
        var policy = new ActiveHealthPolicy(rise: 2, fall: 2);

        policy.Observe(false, "x");
        policy.Observe(true, "status 200");
        policy.Observe(false, "x");

        Assert.True(policy.Up);
    }

    [Fact]
    public void Observe_DownThenRisePasses_UpWithReason()
    {
        var policy = new ActiveHealthPolicy(rise: 2, fall: 1);
        Assert.Equal("probe failed: status 503, expected 200-399", policy.Observe(false, "status 503, expected 200-399"));

        Assert.Null(policy.Observe(true, "status 200 in 1 ms"));
        Assert.Null(policy.Observe(false, "timed out after 1000 ms"));
        Assert.Null(policy.Observe(true, "status 200 in 1 ms"));
        var reason = policy.Observe(true, "status 200 in 2 ms");

        Assert.Equal("2 probes passed in a row (last: status 200 in 2 ms)", reason);
        Assert.True(policy.Up);
    }

    [Fact]
    public void Observe_AlreadyUp_PassesChangeNothing()
    {
        var policy = new ActiveHealthPolicy(rise: 1, fall: 1);

        Assert.Null(policy.Observe(true, "ok"));
        Assert.True(policy.Up);
        Assert.False(policy.Failing);
    }
}
