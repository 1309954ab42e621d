namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// What one check of a policy decided: allowed (<see cref="Status"/> 0), or the status the client gets (401, 403, 429)
/// with the reason the access log and the metrics name, the <c>WWW-Authenticate</c> challenge of a 401 and the
/// <c>Retry-After</c> of a 429.
/// </summary>
internal readonly record struct PolicyVerdict(int Status, string Reason, string? Challenge = null, int RetryAfterSeconds = 0)
{
    public static PolicyVerdict Allowed => default;

    public bool IsAllowed => Status == 0;

    public static PolicyVerdict Forbidden(string reason) => new(403, reason);

    public static PolicyVerdict Unauthorized(string reason, string challenge) => new(401, reason, challenge);
}
