namespace Tandem.Core.Config.Policies;

public enum RateLimitKeyKind
{
    Ip,
    Header,
    JwtClaim,
    CertificateSubject,
}
