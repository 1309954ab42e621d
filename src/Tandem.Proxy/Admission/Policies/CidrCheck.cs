using System.Net;
using Tandem.Core.Runtime;
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

    public override string Kind => "cidr";

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state) => Decide(state.ClientAddress!);

    public override ValueTask<CheckExplanation> ExplainAsync(RequestState state, ExplainInput input)
    {
        var allowText = allow.Length == 0 ? "" : $"allow [{string.Join(", ", allow)}]";
        var denyText = deny.Length == 0 ? "" : $"deny [{string.Join(", ", deny)}]";
        if (!input.ClientGiven)
        {
            var ranges = allowText.Length > 0 && denyText.Length > 0 ? $"{allowText} and {denyText}" : allowText + denyText;
            return new(new CheckExplanation(Kind, PolicyExplainer.Unknown, null, $"give client=ADDRESS: the client's address is compared with {ranges}"));
        }
        var client = state.ClientAddress!;
        var verdict = CheckConnection(client);
        var detail = verdict.IsAllowed
            ? allow.Length == 0 ? $"{client} is not in {denyText}" : $"{client} is in {allowText}" + (deny.Length == 0 ? "" : $" and not in {denyText}")
            : verdict.Reason == "cidr-deny" ? $"{client} is in {denyText}" : $"{client} is not in {allowText}";
        return new(verdict.IsAllowed
            ? new CheckExplanation(Kind, PolicyExplainer.Allow, null, detail)
            : new CheckExplanation(Kind, PolicyExplainer.Deny, verdict.Reason, detail, verdict.Status));
    }

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
