namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>rate-limit</c>: a token bucket per client key, refilled at <see cref="Rate"/> per <see cref="Per"/>, holding at most <see cref="Burst"/>.</summary>
public sealed record RateLimitPolicyConfig
{
    /// <summary>Key <c>key</c>: whose budget a request spends.</summary>
    public required RateLimitKey Key { get; init; }

    /// <summary>Key <c>rate</c> (<c>100/s</c>): tokens added per <see cref="Per"/>.</summary>
    public required int Rate { get; init; }

    /// <summary>The unit of <see cref="Rate"/>: a second, minute or hour.</summary>
    public required TimeSpan Per { get; init; }

    /// <summary>Key <c>burst</c>: the bucket's size; default the rate.</summary>
    public int? Burst { get; init; }

    /// <summary>Key <c>size</c>: keys remembered at most (least recently seen dropped first); default 100,000.</summary>
    public int? Size { get; init; }
}

/// <summary>Whose budget a request spends: <c>ip</c>, <c>header:NAME</c>, <c>jwt:CLAIM</c> or <c>cert:subject</c>.</summary>
public sealed record RateLimitKey(RateLimitKeyKind Kind, string? Name)
{
    public static RateLimitKey? TryParse(string text)
    {
        if (text == "ip")
        {
            return new RateLimitKey(RateLimitKeyKind.Ip, null);
        }
        if (text == "cert:subject")
        {
            return new RateLimitKey(RateLimitKeyKind.CertificateSubject, null);
        }
        if (text.StartsWith("header:", StringComparison.Ordinal) && text.Length > 7)
        {
            return new RateLimitKey(RateLimitKeyKind.Header, text[7..]);
        }
        if (text.StartsWith("jwt:", StringComparison.Ordinal) && text.Length > 4)
        {
            return new RateLimitKey(RateLimitKeyKind.JwtClaim, text[4..]);
        }
        return null;
    }

    public override string ToString() => Kind switch
    {
        RateLimitKeyKind.Ip => "ip",
        RateLimitKeyKind.Header => "header:" + Name,
        RateLimitKeyKind.JwtClaim => "jwt:" + Name,
        _ => "cert:subject",
    };
}

public enum RateLimitKeyKind
{
    Ip,
    Header,
    JwtClaim,
    CertificateSubject,
}
