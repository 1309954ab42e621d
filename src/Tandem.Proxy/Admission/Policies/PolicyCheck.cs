using Tandem.Core.Runtime;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// One requirement of a policy (an address range, a certificate, a token, a password, an auth service's answer, a rate
/// limit), built once per config. <see cref="RequestState.ClientAddress"/> is set before any check runs. A check that
/// needs no I/O returns a completed task. Concurrency: any number of requests at once.
/// </summary>
internal abstract class PolicyCheck
{
    /// <summary>Its kind as explanations name it: <c>cidr</c>, <c>jwt</c>, <c>rate-limit</c>...</summary>
    public abstract string Kind { get; }

    public abstract ValueTask<PolicyVerdict> CheckAsync(RequestState state);

    /// <summary>
    /// What the check would decide for an explained request (<c>/api/explain</c>), spending, counting and calling out
    /// nothing. By default it is simply asked: checks without side effects (tokens, passwords, certificates) decide as
    /// for a real request.
    /// </summary>
    public virtual async ValueTask<CheckExplanation> ExplainAsync(RequestState state, ExplainInput input)
    {
        var verdict = await CheckAsync(state);
        return verdict.IsAllowed
            ? new CheckExplanation(Kind, PolicyExplainer.Allow, null, "passes")
            : new CheckExplanation(Kind, PolicyExplainer.Deny, verdict.Reason, PolicyExplainer.Describe(verdict.Reason), verdict.Status);
    }
}
