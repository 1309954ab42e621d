namespace Tandem.Core.Runtime;

/// <summary>The <c>ocsp</c> field of a certificate in <c>/api/tls</c>: whether handshakes carry a stapled OCSP answer.</summary>
public static class TlsOcspStates
{
    /// <summary>An answer from the responder is held, valid until <c>ocspValidUntil</c>, and stapled to every handshake.</summary>
    public const string Stapled = "stapled";

    /// <summary>Stapling is on but no valid answer is held yet (the responder has not answered, or failed): handshakes go without one.</summary>
    public const string Waiting = "waiting";

    /// <summary>Stapling is on; this runtime does not let Tandem see whether an answer is held.</summary>
    public const string Enabled = "enabled";

    /// <summary>The certificate names no http OCSP responder (no AIA OCSP URL): nothing to staple, nothing fetched.</summary>
    public const string NoResponder = "no-responder";

    /// <summary>A responder, but the file's chain does not reach a root this machine has: off, nothing fetched.</summary>
    public const string NoIssuer = "no-issuer";

    /// <summary>A responder, but not Linux: Tandem manages stapling only with OpenSSL (Windows' SChannel may staple by itself).</summary>
    public const string Unsupported = "unsupported";
}
