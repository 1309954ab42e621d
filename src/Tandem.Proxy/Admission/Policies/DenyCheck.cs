using System.Net;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>Refuses everything with 403: <c>default-policy: deny</c> where no policy is named, or a policy whose secrets could not be loaded (fail closed).</summary>
internal sealed class DenyCheck(string reason) : PolicyCheck, IConnectionCheck
{
    private readonly PolicyVerdict _refusal = PolicyVerdict.Forbidden(reason);

    public override string Kind => "deny";

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state) => new(_refusal);

    public PolicyVerdict CheckConnection(IPAddress client) => _refusal;
}
