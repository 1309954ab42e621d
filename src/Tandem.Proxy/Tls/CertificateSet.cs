using System.Collections.Frozen;
using System.Net.Security;
using Tandem.Core.Runtime;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls;

/// <summary>
/// The certificates one listener serves, indexed by the names in their SANs: an exact name wins over a wildcard
/// (<c>*.example.com</c> covers one label, as RFC 6125 says), and a name none covers (or no SNI at all) gets the
/// default, the first certificate. Immutable: a reload builds a new set and swaps it in.
/// </summary>
internal sealed class CertificateSet
{
    private readonly FrozenDictionary<string, SslStreamCertificateContext> _exact;
    private readonly FrozenDictionary<string, SslStreamCertificateContext> _wildcard;
    private readonly Dictionary<PemCertificate, (SslStreamCertificateContext Context, CertificateOcsp Ocsp)> _contexts = new(ReferenceEqualityComparer.Instance);

    public CertificateSet(IReadOnlyList<PemCertificate> certificates)
    {
        var exact = new Dictionary<string, SslStreamCertificateContext>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, SslStreamCertificateContext>(StringComparer.OrdinalIgnoreCase);
        foreach (var certificate in certificates)
        {
            // Offline unless OCSP stapling is on (OcspStapling says when): nothing is fetched while a listener starts.
            var context = OcspStapling.CreateContext(certificate, out var ocsp);
            _contexts.TryAdd(certificate, (context, ocsp));
            Default ??= context;
            foreach (var name in certificate.Names)
            {
                if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcard.TryAdd(name[2..], context);
                }
                else
                {
                    exact.TryAdd(name, context);
                }
            }
        }
        Certificates = certificates;
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _wildcard = wildcard.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The certificates in order, the default first.</summary>
    public IReadOnlyList<PemCertificate> Certificates { get; }

    /// <summary>The first certificate; null for an empty set.</summary>
    public SslStreamCertificateContext? Default { get; }

    /// <summary>The certificate for a client's SNI name (null or empty when it sent none).</summary>
    public SslStreamCertificateContext? Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }
        if (_exact.TryGetValue(serverName, out var context))
        {
            return context;
        }
        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && _wildcard.Count > 0 && _wildcard.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(serverName.AsSpan(dot + 1), out context))
        {
            return context;
        }
        return Default;
    }

    /// <summary>The OCSP stapling state of <paramref name="certificate"/> (one of the set) for the status, at <paramref name="now"/>.</summary>
    public (string State, string? Responder, DateTimeOffset? ValidUntil) Ocsp(PemCertificate certificate, DateTimeOffset now)
    {
        if (!_contexts.TryGetValue(certificate, out var entry))
        {
            return (TlsOcspStates.NoResponder, null, null);
        }
        var (state, validUntil) = OcspStapling.Describe(entry.Context, entry.Ocsp, now);
        return (state, entry.Ocsp.Responder, validUntil);
    }

    /// <summary>Whether a certificate of the set covers <paramref name="serverName"/> (not merely the default).</summary>
    public bool Covers(string serverName)
    {
        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        return _exact.ContainsKey(serverName) || (dot > 0 && _wildcard.ContainsKey(serverName[(dot + 1)..]));
    }
}
