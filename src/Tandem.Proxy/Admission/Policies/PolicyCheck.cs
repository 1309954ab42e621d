using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// One requirement of a policy (an address range, a certificate, a token, a password, an auth service's answer, a rate
/// limit), built once per config. <see cref="RequestState.ClientAddress"/> is set before any check runs. A check that
/// needs no I/O returns a completed task. Concurrency: any number of requests at once.
/// </summary>
internal abstract class PolicyCheck
{
    public abstract ValueTask<PolicyVerdict> CheckAsync(RequestState state);
}
