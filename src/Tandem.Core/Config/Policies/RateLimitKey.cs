namespace Tandem.Core.Config.Policies;

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
