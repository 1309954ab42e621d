using System.Net;

namespace Tandem.Core.Config.Policies;

/// <summary>
/// A named access policy (YAML <c>policies[]</c>): every requirement it lists must hold for a request to pass, checked
/// in the order address, client certificate, credentials (JWT, basic auth, forward-auth), then the rate limit.
/// Listeners (and routes) name the policies they need; all of them must allow.
/// </summary>
public sealed record PolicyConfig
{
    /// <summary>Key <c>name</c>, required, unique among policies.</summary>
    public required string Name { get; init; }

    /// <summary>Key <c>allow</c>: CIDRs the real client address must be in; any address when absent.</summary>
    public IReadOnlyList<IPNetwork>? Allow { get; init; }

    /// <summary>Key <c>deny</c>: CIDRs refused even when <see cref="Allow"/> lets them in.</summary>
    public IReadOnlyList<IPNetwork>? Deny { get; init; }

    /// <summary>Key <c>client-certificate</c>: a verified client certificate and the patterns it must match.</summary>
    public ClientCertificatePolicyConfig? ClientCertificate { get; init; }

    /// <summary>Key <c>jwt</c>: a bearer token and what it must say.</summary>
    public JwtPolicyConfig? Jwt { get; init; }

    /// <summary>Key <c>basic-auth</c>: a user and password from an htpasswd file (bcrypt).</summary>
    public BasicAuthPolicyConfig? BasicAuth { get; init; }

    /// <summary>Key <c>forward-auth</c>: an outside auth service decides.</summary>
    public ForwardAuthPolicyConfig? ForwardAuth { get; init; }

    /// <summary>Key <c>rate-limit</c>: a token bucket per client key.</summary>
    public RateLimitPolicyConfig? RateLimit { get; init; }

    /// <summary>
    /// A canonical text of every setting, so a reload can keep a policy's state (rate-limit buckets, key caches) when
    /// the policy did not change.
    /// </summary>
    public string Signature { get; init; } = "";
}
