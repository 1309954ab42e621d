using Prometheus;
using Tandem.Core.Telemetry;

namespace Tandem.Observability.Metrics;

/// <summary><c>tandem_policy_decisions_total{policy,result,reason}</c>: every decision of every access policy. Thread-safe.</summary>
public sealed class PolicyMetrics(CollectorRegistry registry) : IPolicyTelemetry
{
    private readonly Counter _decisions = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter("tandem_policy_decisions_total",
        "Access policy decisions, by policy, result (allow, deny) and reason (ok, cidr, jwt-expired, rate...).", ["policy", "result", "reason"]);

    public IPolicyCounter Decisions(string policy, string result, string reason) => new Series(_decisions.WithLabels(policy, result, reason));

    private sealed class Series(Counter.Child child) : IPolicyCounter
    {
        public void Increment() => child.Inc();
    }
}
