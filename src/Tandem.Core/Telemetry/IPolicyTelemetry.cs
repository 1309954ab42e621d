namespace Tandem.Core.Telemetry;

/// <summary>
/// Where the admit stage counts its decisions (<c>tandem_policy_decisions_total{policy,result,reason}</c>). A counter is
/// asked for once per policy and reason, when a policy is compiled or first gives that reason, never per request.
/// </summary>
public interface IPolicyTelemetry
{
    /// <summary>The counter of <paramref name="policy"/>'s decisions with <paramref name="result"/> (allow, deny) and <paramref name="reason"/>.</summary>
    IPolicyCounter Decisions(string policy, string result, string reason);
}

/// <summary>One series of policy decisions.</summary>
public interface IPolicyCounter
{
    void Increment();
}

/// <summary>Counts nothing: for a data plane without metrics (tests, benchmarks).</summary>
public sealed class NoPolicyTelemetry : IPolicyTelemetry, IPolicyCounter
{
    public static readonly NoPolicyTelemetry Instance = new();

    public IPolicyCounter Decisions(string policy, string result, string reason) => this;

    public void Increment()
    {
    }
}
