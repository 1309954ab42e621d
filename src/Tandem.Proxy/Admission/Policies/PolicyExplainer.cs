using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Runtime;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>/api/explain</c>'s "would this request be allowed": asks a route's admit stage about a request built from the
/// question, policy by policy and check by check in the order a real request meets them, each check through
/// <see cref="PolicyCheck.ExplainAsync"/> so that nothing is spent, counted or called. Off the request path.
/// </summary>
internal static class PolicyExplainer
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string Unknown = "unknown";

    /// <param name="admission">The route's admit stage; null when its requests are not checked.</param>
    /// <param name="http">The explained request (its connection's peer is the given client address, if any).</param>
    /// <param name="input">What else the question gave.</param>
    public static async Task<AccessExplanation> ExplainAsync(AdmissionStage? admission, HttpContext http, ExplainInput input)
    {
        if (admission is not PolicyAdmission stage)
        {
            return new AccessExplanation(true, null, input.ClientGiven ? http.Connection.RemoteIpAddress?.ToString() : null, []);
        }
        var state = new RequestState(http) { ClientAddress = stage.Addresses.Resolve(http) };
        return await ExplainAsync(stage.Policies, state, input, connection: false);
    }

    /// <summary>
    /// Would a connection (or UDP flow) from <paramref name="client"/> pass a layer-4 listener's policies
    /// (<paramref name="admission"/>, null when it has none); null <paramref name="client"/>: not given.
    /// </summary>
    public static async Task<AccessExplanation> ExplainConnectionAsync(ConnectionAdmission? admission, IPAddress? client)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = client;
        var input = new ExplainInput(client is not null, null);
        var state = new RequestState(http) { ClientAddress = ClientAddressResolver.Normalize(client ?? IPAddress.IPv6None) };
        return admission is null
            ? new AccessExplanation(true, null, client is null ? null : state.ClientAddress.ToString(), [])
            : await ExplainAsync(admission.Policies, state, input, connection: true);
    }

    private static async Task<AccessExplanation> ExplainAsync(IReadOnlyList<CompiledPolicy> stagePolicies, RequestState state, ExplainInput input, bool connection)
    {
        var policies = new List<PolicyExplanation>(stagePolicies.Count);
        bool? allowed = true;
        int? status = null;
        foreach (var policy in stagePolicies)
        {
            var checks = new List<CheckExplanation>(policy.Checks.Count);
            bool? passes = true;
            foreach (var check in policy.Checks)
            {
                // A connection has only its address: a check that needs a request refuses it (the config does not allow one there).
                var explained = connection && check is not IConnectionCheck
                    ? new CheckExplanation(check.Kind, Deny, CompiledPolicy.NeedsHttpReason, "needs an HTTP request; a connection shows only its address", 403)
                    : await check.ExplainAsync(state, input);
                checks.Add(explained);
                if (explained.Result == Deny)
                {
                    passes = false;
                    status = explained.Status;
                    break;
                }
                if (explained.Result == Unknown)
                {
                    passes = null;
                }
            }
            policies.Add(new PolicyExplanation(policy.Name, passes, checks));
            if (passes == false)
            {
                allowed = false;
                break;
            }
            allowed = passes is null ? null : allowed;
        }
        return new AccessExplanation(allowed, status, input.ClientGiven ? state.ClientAddress!.ToString() : null, policies);
    }

    /// <summary>A refusal's reason in words.</summary>
    public static string Describe(string reason) => reason switch
    {
        "cidr" => "the client address is in none of the allowed ranges",
        "cidr-deny" => "the client address is in a denied range",
        "cert-missing" => "the request carries no verified client certificate (describe one with cert.subject, cert.san, cert.fingerprint)",
        "cert" => "the client certificate does not match the policy's patterns",
        "jwt-missing" => "no 'Authorization: Bearer' token (give one as header.Authorization)",
        "jwt-expired" => "the token has expired",
        "jwt-not-yet-valid" => "the token is not valid yet (nbf)",
        "jwt-no-expiry" => "the token has no expiry (exp)",
        "jwt-audience" => "the token's audience is not the one required",
        "jwt-issuer" => "the token's issuer is not the one required",
        "jwt-algorithm" => "the token's algorithm is not one of those listed",
        "jwt-signature" => "the token's signature does not verify with the key set",
        "jwt-unknown-key" => "the token's key id (kid) is not in the key set, even after a refresh",
        "jwt-malformed" => "the token is not a well-formed JWT",
        "jwt-claims" => "the token lacks a required claim",
        "jwt-keys-unavailable" => "the key set could not be loaded",
        "jwt-invalid" => "the token is not valid",
        "basic-missing" => "no 'Authorization: Basic' credentials (give them as header.Authorization)",
        "basic" => "unknown user or wrong password",
        "default-deny" => "default-policy is deny and the route names no policy",
        "policy-unavailable" => "the policy's secrets could not be read, so it refuses everything",
        _ => reason,
    };
}
