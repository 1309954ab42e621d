using System.Security.Claims;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// Who a request's credentials name, once validated: the user of basic auth, the claims of a token. Immutable; a cached
/// validation hands the same instance to every request with the same credentials.
/// </summary>
internal sealed class PolicyPrincipal(string? user, IReadOnlyList<Claim>? claims)
{
    public string? User { get; } = user;

    /// <summary>The first value of claim <paramref name="type"/>; null when the token has none.</summary>
    public string? Claim(string type)
    {
        if (claims is null)
        {
            return null;
        }
        for (var i = 0; i < claims.Count; i++)
        {
            if (string.Equals(claims[i].Type, type, StringComparison.Ordinal))
            {
                return claims[i].Value;
            }
        }
        return null;
    }
}
