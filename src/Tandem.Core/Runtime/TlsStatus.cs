namespace Tandem.Core.Runtime;

/// <summary>
/// The certificates this node's TLS listeners serve, for <c>/api/tls</c>, the expiry gauge and the expiry alert.
/// Concurrency: the source is set once by the host and read from any thread; each read builds a fresh snapshot.
/// </summary>
public sealed class TlsStatus
{
    private volatile Func<IReadOnlyList<TlsListenerStatus>> _source = static () => [];

    /// <summary>Where snapshots come from (the proxy runtime's listeners).</summary>
    public void Observe(Func<IReadOnlyList<TlsListenerStatus>> source) => _source = source ?? throw new ArgumentNullException(nameof(source));

    /// <summary>Every TLS listener with its certificates, in listener order.</summary>
    public IReadOnlyList<TlsListenerStatus> Current => _source();
}

/// <summary>One TLS listener and the certificates it serves, the default first.</summary>
public sealed record TlsListenerStatus(string Listener, IReadOnlyList<TlsCertificateStatus> Certificates);

/// <summary>Where a served certificate comes from.</summary>
public static class TlsCertificateSources
{
    public const string File = "file";
    public const string Acme = "acme";
}

/// <summary>One certificate of a listener.</summary>
/// <param name="Name">The primary name (the first SAN); what the expiry gauge is labelled with.</param>
/// <param name="Names">Every DNS name the certificate answers for.</param>
/// <param name="Source"><c>file</c> or <c>acme</c>.</param>
/// <param name="NotBefore">Start of validity; null while an ACME certificate has not been issued yet.</param>
/// <param name="NotAfter">End of validity; null while an ACME certificate has not been issued yet.</param>
/// <param name="LastLoaded">When the file was last (re)loaded or the ACME certificate last issued or loaded.</param>
/// <param name="NextAttempt">ACME: when the next order (renewal or retry) is due; null for files.</param>
/// <param name="LastError">Why the last reload or order failed; null after a success.</param>
public sealed record TlsCertificateStatus(string Name, IReadOnlyList<string> Names, string Source, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter,
    DateTimeOffset? LastLoaded, DateTimeOffset? NextAttempt, string? LastError)
{
    /// <summary>OCSP stapling, one of <see cref="TlsOcspStates"/>; null while an ACME certificate has not been issued yet.</summary>
    public string? Ocsp { get; init; }

    /// <summary>The OCSP responder URL from the certificate's AIA extension; null without one.</summary>
    public string? OcspResponder { get; init; }

    /// <summary>With <see cref="TlsOcspStates.Stapled"/>: the held answer's nextUpdate.</summary>
    public DateTimeOffset? OcspValidUntil { get; init; }
}
