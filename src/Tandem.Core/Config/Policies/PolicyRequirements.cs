namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>client-certificate</c>: patterns (<c>*</c> and <c>?</c> wildcards) of which at least one per given list must match.</summary>
public sealed record ClientCertificatePolicyConfig
{
    /// <summary>Key <c>subject</c>: the certificate's subject (<c>CN=alice, O=Example</c>).</summary>
    public IReadOnlyList<string>? Subject { get; init; }

    /// <summary>Key <c>san</c>: a DNS name, e-mail, URI or IP address among the subject alternative names.</summary>
    public IReadOnlyList<string>? San { get; init; }

    /// <summary>Key <c>fingerprint</c>: the SHA-256 of the certificate, hex, colons optional (compared without them).</summary>
    public IReadOnlyList<string>? Fingerprint { get; init; }
}

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

/// <summary>Key <c>basic-auth</c>.</summary>
public sealed record BasicAuthPolicyConfig
{
    /// <summary>Key <c>htpasswd</c>: a file of <c>user:bcrypt-hash</c> lines (<c>htpasswd -B</c>), re-read when it changes.</summary>
    public required string File { get; init; }

    /// <summary>Key <c>realm</c>: shown by browsers; default <c>tandem</c>.</summary>
    public string? Realm { get; init; }
}

/// <summary>Key <c>forward-auth</c>: a GET to <see cref="Url"/> with the request's credentials; a 2xx answer allows.</summary>
public sealed record ForwardAuthPolicyConfig
{
    /// <summary>Key <c>url</c>, required.</summary>
    public required Uri Url { get; init; }

    /// <summary>Key <c>copy-headers</c>: headers of the auth answer copied onto the request sent to the server.</summary>
    public IReadOnlyList<string>? CopyHeaders { get; init; }

    /// <summary>Key <c>cache</c>: how long an answer is reused for the same credentials; default 5 s.</summary>
    public TimeSpan? Cache { get; init; }

    /// <summary>Key <c>timeout</c>: how long the auth service may take; default 2 s (then 403).</summary>
    public TimeSpan? Timeout { get; init; }
}
