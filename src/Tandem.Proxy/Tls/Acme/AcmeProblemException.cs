namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// An ACME server's error document (RFC 8555 section 6.7, RFC 7807), or a protocol step that did not go as the RFC says.
/// <see cref="Type"/> is what callers branch on (<c>urn:ietf:params:acme:error:badNonce</c>), never the message.
/// </summary>
internal sealed class AcmeProblemException(string type, string detail, int status = 0) : Exception($"{detail} ({type}{(status > 0 ? $", HTTP {status}" : "")})")
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";

    /// <summary>Not the server's: an answer Tandem could not use, or a wait that ran out.</summary>
    public const string Protocol = "tandem:acme:protocol";

    public string Type { get; } = type;

    public string Detail { get; } = detail;

    /// <summary>The HTTP status of the answer; 0 when the problem is not an HTTP answer.</summary>
    public int Status { get; } = status;
}
