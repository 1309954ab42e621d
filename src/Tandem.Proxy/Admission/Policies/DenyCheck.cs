using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>Refuses everything with 403: <c>default-policy: deny</c> where no policy is named, or a policy whose secrets could not be loaded (fail closed).</summary>
internal sealed class DenyCheck(string reason) : PolicyCheck
{
    private readonly ValueTask<PolicyVerdict> _verdict = new(PolicyVerdict.Forbidden(reason));

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state) => _verdict;
}
