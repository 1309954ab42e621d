namespace Tandem.Proxy.Tls;

/// <summary>How ordering a listener's ACME certificate goes, as <c>/api/tls</c> shows it.</summary>
/// <param name="LastIssued">When the certificate now served was issued (or loaded from the data directory).</param>
/// <param name="NextAttempt">When the next order (renewal, or retry after an error) is due.</param>
/// <param name="LastError">Why the last order failed; null after a success.</param>
internal sealed record AcmeProgress(DateTimeOffset? LastIssued, DateTimeOffset? NextAttempt, string? LastError);
