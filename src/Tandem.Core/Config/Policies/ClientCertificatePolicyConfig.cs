namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>client-certificate</c>: patterns (<c>*</c> and <c>?</c> wildcards) of which at least one per given list must match.</summary>
public sealed record ClientCertificatePolicyConfig
{
    /// <summary>Key <c>subject</c>: the certificate's subject (<c>CN=alice, O=Example</c>).</summary>
    public IReadOnlyList<string>? Subject { get; init; }

    /// <summary>Key <c>san</c>: a DNS name, e-mail, URI or IP address among the subject alternative names.</summary>
    public IReadOnlyList<string>? San { get; init; }

    /// <summary>Key <c>fingerprint</c>: the SHA-256 of the certificate, hex, colons optional (compared without them).</summary>
    public IReadOnlyList<string>? Fingerprint { get; init; }
}
