namespace Tandem.Core.Runtime;

/// <summary>An ACME certificate as the pair passes it: which <c>tls.acme</c> section it serves, its chain and its private key (PEM).</summary>
/// <param name="Key">Names the section alike on both nodes: the directory URL and the domains (not the data directory).</param>
/// <param name="ChainPem">The leaf and its intermediates.</param>
/// <param name="KeyPem">The private key; it crosses the pair channel only encrypted.</param>
public sealed record SharedCertificate(string Key, string ChainPem, string KeyPem);

/// <summary>The peer, as the ACME certificates of a node in a pair see it.</summary>
public interface IAcmePeer
{
    /// <summary>Whether the peer answers now.</summary>
    bool Alive { get; }

    /// <summary>Whether this node is the one that orders while both are up (the node whose name sorts first); the other takes the certificate from it.</summary>
    bool Orders { get; }

    /// <summary>The peer's name, for log lines.</summary>
    string Name { get; }

    /// <summary>The peer's certificate for <paramref name="key"/>; null when it has none or does not answer.</summary>
    Task<SharedCertificate?> FetchAsync(string key, CancellationToken cancellationToken);
}

/// <summary>
/// Where a node's ACME certificates and its pair meet, so that one node orders and both serve the certificate: the pair
/// sets <see cref="Peer"/>; the data plane sets <see cref="Local"/> and <see cref="Offer"/> and reports each certificate
/// it ordered itself through <see cref="Report"/>, which the pair sends on to the peer.
/// Concurrency: properties are set once at start; <see cref="Issued"/> is raised on the ordering certificate's loop.
/// </summary>
public sealed class AcmeSharing
{
    private volatile IAcmePeer? _peer;

    /// <summary>True when the config has a <c>pair</c> section: the first order waits (briefly) for <see cref="Peer"/>.</summary>
    public bool PairExpected { get; set; }

    /// <summary>The peer; null without a pair, or until the pair channel has started.</summary>
    public IAcmePeer? Peer
    {
        get => _peer;
        set => _peer = value;
    }

    /// <summary>This node's certificate for a key (to answer the peer's fetch); set by the data plane.</summary>
    public Func<string, SharedCertificate?>? Local { get; set; }

    /// <summary>A certificate the peer ordered; true when taken (it loads, covers the names and lasts longer than the one served). Set by the data plane.</summary>
    public Func<SharedCertificate, bool>? Offer { get; set; }

    /// <summary>Raised when this node ordered a new certificate itself.</summary>
    public event Action<SharedCertificate>? Issued;

    public void Report(SharedCertificate certificate) => Issued?.Invoke(certificate);
}
