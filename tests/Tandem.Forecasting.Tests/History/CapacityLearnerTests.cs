using Tandem.Forecasting.History;

namespace Tandem.Forecasting.Tests.History;

public sealed class CapacityLearnerTests
{
    [Fact]
    public void Observe_HealthyMinutes_HighestPerServerRate()
    {
        var learner = new CapacityLearner();

        learner.Observe(requests: 600, failures: 0, latencyMicroseconds: 600 * 10_000, servers: 2);
        learner.Observe(requests: 1200, failures: 0, latencyMicroseconds: 1200 * 15_000, servers: 2);

        Assert.Equal(10, learner.Capacity, 3);
    }

    [Fact]
    public void Observe_SlowOrFailingMinutes_Ignored()
    {
        var learner = new CapacityLearner();
        learner.Observe(600, 0, 600 * 10_000, 1);

        learner.Observe(6000, 0, 6000 * 30_000, 1);
        learner.Observe(3000, 100, 3000 * 10_000, 1);
        learner.Observe(30, 0, 30 * 5_000, 1);

        Assert.Equal(10, learner.Capacity, 3);
    }
}
