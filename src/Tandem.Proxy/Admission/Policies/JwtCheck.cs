using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tandem.Core.Config.Policies;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>jwt</c>: an <c>Authorization: Bearer</c> token validated by Microsoft.IdentityModel.JsonWebTokens (signature with the
/// key set, listed algorithms only, issuer, audience), then its lifetime on Tandem's clock and the required claims.
/// A validation is cached per token (until it expires, at most a minute) so a client sending the same token pays a
/// dictionary lookup. Concurrency: any number of requests; the cache is bounded (cleared when full).
/// </summary>
internal sealed class JwtCheck : PolicyCheck
{
    private const int CacheSize = 10_000;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private readonly JwtPolicyConfig _config;
    private readonly JwtKeySource _keys;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly string _challenge;
    private readonly TimeSpan _skew;

    public JwtCheck(JwtPolicyConfig config, JwtKeySource keys, TimeProvider time)
    {
        _config = config;
        _keys = keys;
        _time = time;
        _skew = config.ClockSkew ?? TimeSpan.FromSeconds(30);
        _challenge = config.Audience is null ? "Bearer" : $"Bearer realm=\"{config.Audience}\"";
    }

    public JwtKeySource Keys => _keys;

    public override string Kind => "jwt";

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        var header = state.Http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return new(PolicyVerdict.Unauthorized("jwt-missing", _challenge));
        }
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(value, out var cached) && now < cached.Until)
        {
            state.Principal = cached.Principal;
            return new(cached.Verdict);
        }
        return ValidateAsync(state, value, now);
    }

    private async ValueTask<PolicyVerdict> ValidateAsync(RequestState state, string header, DateTimeOffset now)
    {
        var token = header[7..].Trim();
        var (verdict, principal, until) = await ValidateAsync(token, now, mayRefresh: true);
        if (_cache.Count >= CacheSize)
        {
            _cache.Clear();
        }
        _cache[header] = new Cached(verdict, principal, until);
        state.Principal = principal;
        return verdict;
    }

    private async Task<(PolicyVerdict, PolicyPrincipal?, DateTimeOffset)> ValidateAsync(string token, DateTimeOffset now, bool mayRefresh)
    {
        var keys = _keys.Current;
        if (keys is null)
        {
            await _keys.TryRefreshAsync();
            keys = _keys.Current;
            mayRefresh = false;
            if (keys is null)
            {
                return (Unauthorized("jwt-keys-unavailable"), null, now);
            }
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _config.Issuer,
            ValidateIssuer = _config.Issuer is not null,
            ValidAudience = _config.Audience,
            ValidateAudience = _config.Audience is not null,
            ValidAlgorithms = _config.Algorithms,
            IssuerSigningKeys = keys,
            // Lifetime is checked below on Tandem's clock (TimeProvider), not the library's.
            ValidateLifetime = false,
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = false,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            var reason = Reason(result.Exception);
            if (reason == "jwt-unknown-key" && mayRefresh && await _keys.TryRefreshAsync())
            {
                return await ValidateAsync(token, now, mayRefresh: false);
            }
            // An unknown key may be published soon: such a refusal is not remembered.
            return (Unauthorized(reason), null, reason == "jwt-unknown-key" ? now : now + CacheFor);
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<long>("exp", out _))
        {
            return (Unauthorized("jwt-no-expiry"), null, now + CacheFor);
        }
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (now > expires + _skew)
        {
            return (Unauthorized("jwt-expired"), null, now + CacheFor);
        }
        if (jwt.TryGetPayloadValue<long>("nbf", out _) && now + _skew < new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero))
        {
            return (Unauthorized("jwt-not-yet-valid"), null, now);
        }
        var claims = new List<Claim>(jwt.Claims);
        var until = Min(expires + _skew, now + CacheFor);
        if (_config.Claims is { } required && !ClaimsMatch(required, claims))
        {
            return (PolicyVerdict.Forbidden("jwt-claims"), null, until);
        }
        return (PolicyVerdict.Allowed, new PolicyPrincipal(jwt.Subject, claims), until);
    }

    /// <summary>Each required claim is present with the value, or, for a list claim or a space-separated one (<c>scope</c>), contains it.</summary>
    internal static bool ClaimsMatch(IReadOnlyDictionary<string, string> required, List<Claim> claims)
    {
        foreach (var (type, want) in required)
        {
            var found = false;
            foreach (var claim in claims)
            {
                if (string.Equals(claim.Type, type, StringComparison.Ordinal) && ContainsWord(claim.Value, want))
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    private static bool ContainsWord(string value, string want)
    {
        foreach (var range in value.AsSpan().Split(' '))
        {
            if (value.AsSpan(range.Start.Value, range.End.Value - range.Start.Value).SequenceEqual(want))
            {
                return true;
            }
        }
        return false;
    }

    private PolicyVerdict Unauthorized(string reason) => PolicyVerdict.Unauthorized(reason, _challenge);

    private static string Reason(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => "jwt-audience",
        SecurityTokenInvalidIssuerException => "jwt-issuer",
        SecurityTokenInvalidAlgorithmException => "jwt-algorithm",
        SecurityTokenSignatureKeyNotFoundException => "jwt-unknown-key",
        SecurityTokenInvalidSignatureException => "jwt-signature",
        SecurityTokenMalformedException or ArgumentException => "jwt-malformed",
        _ => "jwt-invalid",
    };

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Cached(PolicyVerdict Verdict, PolicyPrincipal? Principal, DateTimeOffset Until);
}
