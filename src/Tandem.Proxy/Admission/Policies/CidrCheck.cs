using System.Net;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary><c>allow</c> / <c>deny</c>: the real client address must be in an allowed range (when any is listed) and in no denied one. Immutable.</summary>
internal sealed class CidrCheck(IPNetwork[] allow, IPNetwork[] deny) : PolicyCheck, IConnectionCheck
{
    private static readonly PolicyVerdict DeniedVerdict = PolicyVerdict.Forbidden("cidr-deny");
    private static readonly PolicyVerdict NotAllowedVerdict = PolicyVerdict.Forbidden("cidr");
    private static readonly ValueTask<PolicyVerdict> Pass = new(PolicyVerdict.Allowed);
    private static readonly ValueTask<PolicyVerdict> Denied = new(DeniedVerdict);
    private static readonly ValueTask<PolicyVerdict> NotAllowed = new(NotAllowedVerdict);

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state) => Decide(state.ClientAddress!);

    public ValueTask<PolicyVerdict> Decide(IPAddress client)
    {
        if (ClientAddressResolver.Contains(deny, client))
        {
            return Denied;
        }
        return allow.Length == 0 || ClientAddressResolver.Contains(allow, client) ? Pass : NotAllowed;
    }

    public PolicyVerdict CheckConnection(IPAddress client)
    {
        if (ClientAddressResolver.Contains(deny, client))
        {
            return DeniedVerdict;
        }
        return allow.Length == 0 || ClientAddressResolver.Contains(allow, client) ? PolicyVerdict.Allowed : NotAllowedVerdict;
    }
}
