namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>jwt</c>: a bearer token validated with Microsoft.IdentityModel.JsonWebTokens.</summary>
public sealed record JwtPolicyConfig
{
    /// <summary>Key <c>issuer</c>: the required <c>iss</c>; not checked when absent.</summary>
    public string? Issuer { get; init; }

    /// <summary>Key <c>audience</c>: the required <c>aud</c>; not checked when absent.</summary>
    public string? Audience { get; init; }

    /// <summary>Key <c>jwks-file</c>: a JSON Web Key Set on disk, re-read when it changes.</summary>
    public string? JwksFile { get; init; }

    /// <summary>Key <c>jwks-url</c>: a JSON Web Key Set fetched over HTTP, cached, refreshed on an unknown <c>kid</c>.</summary>
    public Uri? JwksUrl { get; init; }

    /// <summary>Key <c>algorithms</c>: the signing algorithms accepted (<c>RS256</c>, <c>ES256</c>...); required, never <c>none</c>.</summary>
    public required IReadOnlyList<string> Algorithms { get; init; }

    /// <summary>Key <c>claims</c>: claim name to required value; a list claim or a space-separated one (<c>scope</c>) must contain it.</summary>
    public IReadOnlyDictionary<string, string>? Claims { get; init; }

    /// <summary>Key <c>refresh-interval</c>: the least time between two key set refreshes; default 30 s.</summary>
    public TimeSpan? RefreshInterval { get; init; }

    /// <summary>Key <c>clock-skew</c>: tolerance on <c>exp</c> and <c>nbf</c>; default 30 s.</summary>
    public TimeSpan? ClockSkew { get; init; }
}
