using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Core.Tls;
using Tandem.Proxy.Tls.Acme;

namespace Tandem.Proxy.Tls;

/// <summary>
/// The TLS side of one listener: which certificate a handshake gets (by SNI), the versions, suites and ALPN offered,
/// and the client-certificate check. Certificate files are watched; a change that loads is swapped in for new
/// handshakes (open connections keep theirs), one that does not is logged and the old set keeps serving.
/// Concurrency: the certificate set is an immutable object swapped atomically; reloads are serialized by a lock.
/// </summary>
internal sealed class ListenerTls : IDisposable
{
    private readonly string _name;
    private readonly ListenerTlsConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ClientCertificateValidator? _clients;
    private readonly AcmeChallengeStore? _challenges;
    private readonly List<SslApplicationProtocol> _alpn;
    private readonly Lock _gate = new();
    private readonly CertificateFileWatcher? _watcher;
    private IReadOnlyList<PemCertificate> _files;
    private IReadOnlyList<PemCertificate> _issued = [];
    private PemCertificate? _fallback;
    private volatile CertificateSet _set;
    private DateTimeOffset _filesLoadedAt;
    private string? _fileError;
    private AcmeProgress? _acme;

    private ListenerTls(string name, ListenerTlsConfig config, HttpVersions versions, IReadOnlyList<PemCertificate> files, ClientCertificateValidator? clients,
        TimeProvider time, ILogger logger, AcmeChallengeStore? challenges)
    {
        _challenges = challenges;
        _name = name;
        _config = config;
        _files = files;
        _clients = clients;
        _time = time;
        _logger = logger;
        _alpn = TlsPolicy.Alpn(versions);
        _filesLoadedAt = time.GetUtcNow();
        _set = Build();
        if (_config.Certificates.Count > 0)
        {
            var watched = _config.Certificates.SelectMany(c => new[] { c.Cert, c.Key });
            _watcher = new CertificateFileWatcher(watched, Reload, time, logger, name);
        }
    }

    /// <summary>Loads the listener's certificate and CA files; throws <see cref="InvalidOperationException"/> naming a file that cannot be served.</summary>
    /// <param name="listener">The listener, with its tls section.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where reloads are logged.</param>
    /// <param name="challenges">Pending tls-alpn-01 challenges, answered on handshakes that offer acme-tls/1; none when null.</param>
    public static ListenerTls Create(ListenerConfig listener, TimeProvider time, ILogger logger, AcmeChallengeStore? challenges = null) =>
        Create(listener.Name, listener.Tls ?? throw new ArgumentException("the listener has no tls section", nameof(listener)), listener.HttpVersions,
            time, logger, challenges);

    /// <summary>The same for a listener that is not in <c>listeners</c> (the admin listener, named <paramref name="name"/> in logs and status).</summary>
    public static ListenerTls Create(string name, ListenerTlsConfig config, HttpVersions versions, TimeProvider time, ILogger logger, AcmeChallengeStore? challenges = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var files = Load(config, out var error) ?? throw new InvalidOperationException(error);
        ClientCertificateValidator? clients = null;
        if (config.ClientCertificates is { } mtls)
        {
            var authorities = PemCertificate.TryLoadBundle(mtls.Ca, out error) ?? throw new InvalidOperationException(error);
            clients = new ClientCertificateValidator(mtls.Mode, authorities);
        }
        foreach (var files2 in config.Certificates)
        {
            if (PemCertificate.KeyPermissionWarning(files2.Key) is { } warning)
            {
                TlsLog.KeyPermissions(logger, name, warning);
            }
        }
        var tls = new ListenerTls(name, config, versions, files, clients, time, logger, challenges);
        tls.WarnExpired(files);
        return tls;
    }

    /// <summary>What Kestrel's HTTPS middleware calls for each handshake.</summary>
    public TlsHandshakeCallbackOptions HandshakeOptions => new() { OnConnection = OnConnection };

    /// <summary>The certificates serving now, the default first.</summary>
    public CertificateSet Current => _set;

    /// <summary>The listener's name.</summary>
    public string Name => _name;

    /// <summary>The ACME section this listener orders its certificate with; null without one.</summary>
    public AcmeConfig? Acme => _config.Acme;

    /// <summary>Certificates obtained outside the files (ACME), served beside them; replaces the previous ones.</summary>
    public void SetIssued(IReadOnlyList<PemCertificate> issued)
    {
        lock (_gate)
        {
            _issued = issued;
            _set = Build();
        }
    }

    /// <summary>How ordering the ACME certificate goes, for the status.</summary>
    public void SetAcmeProgress(AcmeProgress progress)
    {
        lock (_gate)
        {
            _acme = progress;
        }
    }

    /// <summary>Every certificate of the listener (files first, then ACME) with its validity, reload and OCSP state.</summary>
    public TlsListenerStatus Status()
    {
        lock (_gate)
        {
            var set = _set;
            var now = _time.GetUtcNow();
            var list = new List<TlsCertificateStatus>(_files.Count + Math.Max(1, _issued.Count));
            foreach (var file in _files)
            {
                list.Add(Describe(file, set, now, TlsCertificateSources.File, _filesLoadedAt, null, _fileError));
            }
            if (_config.Acme is { } acme)
            {
                var progress = _acme;
                if (_issued.Count == 0)
                {
                    list.Add(new TlsCertificateStatus(acme.Domains[0], acme.Domains, TlsCertificateSources.Acme, null, null, null,
                        progress?.NextAttempt, progress?.LastError));
                }
                foreach (var issued in _issued)
                {
                    list.Add(Describe(issued, set, now, TlsCertificateSources.Acme, progress?.LastIssued, progress?.NextAttempt, progress?.LastError));
                }
            }
            return new TlsListenerStatus(_name, list);
        }
    }

    private static TlsCertificateStatus Describe(PemCertificate certificate, CertificateSet set, DateTimeOffset now, string source, DateTimeOffset? loaded,
        DateTimeOffset? next, string? error)
    {
        var names = certificate.Names;
        var (ocsp, responder, validUntil) = set.Ocsp(certificate, now);
        return new TlsCertificateStatus(names.Count > 0 ? names[0] : certificate.Leaf.Subject, names, source,
            new DateTimeOffset(certificate.Leaf.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.Leaf.NotAfter.ToUniversalTime()), loaded, next, error)
        {
            Ocsp = ocsp,
            OcspResponder = responder,
            OcspValidUntil = validUntil,
        };
    }

    private ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        if (_challenges is { HasAlpn: true } && context.Connection.Items.ContainsKey(ClientHelloPeek.AlpnChallengeKey)
            && _challenges.Alpn(context.ClientHelloInfo.ServerName) is { } challenge)
        {
            return ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = challenge.Context,
                EnabledSslProtocols = TlsPolicy.Protocols(TlsVersion.Tls12),
                CipherSuitesPolicy = TlsPolicy.CipherSuites,
                ApplicationProtocols = AlpnChallengeCertificate.Protocols,
                AllowRenegotiation = false,
            });
        }
        // A fresh options object per handshake: Kestrel may write ALPN into it, and it is small beside a handshake.
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _set.Select(context.ClientHelloInfo.ServerName),
            EnabledSslProtocols = TlsPolicy.Protocols(_config.MinVersion),
            CipherSuitesPolicy = NeedsSuitePolicy(context.Connection) ? TlsPolicy.CipherSuites : null,
            ApplicationProtocols = _alpn,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_clients is not null)
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = _clients.Validate;
        }
        return ValueTask.FromResult(options);
    }

    /// <summary>
    /// Whether this handshake needs Tandem's suite list. Only TLS 1.2 does: TLS 1.3's suites are all AEAD with an
    /// ephemeral key exchange. Leaving the list to the platform when the handshake will be TLS 1.3 matters because .NET
    /// (on OpenSSL) reuses its OpenSSL context across handshakes, and resumes sessions, only when no
    /// <c>CipherSuitesPolicy</c> is set: with one, every handshake builds a context (about half again the CPU of a full
    /// handshake) and no session ever resumes. A listener that asks for client certificates keeps the list, so a resumed
    /// session never stands in for a certificate check. <see cref="NegotiatedSuiteCheck"/> closes any connection that
    /// ends up on TLS 1.2 with a suite outside the list all the same.
    /// </summary>
    private bool NeedsSuitePolicy(ConnectionContext connection) =>
        _clients is not null || (_config.MinVersion != TlsVersion.Tls13 && !connection.Items.ContainsKey(ClientHelloPeek.Tls13Key));

    private void Reload()
    {
        lock (_gate)
        {
            var files = Load(_config, out var error);
            if (files is null)
            {
                TlsLog.CertificateReloadRefused(_logger, _name, error!);
                _fileError = error;
                return;
            }
            _files = files;
            _filesLoadedAt = _time.GetUtcNow();
            _fileError = null;
            _set = Build();
            WarnExpired(files);
            var names = string.Join(", ", files.SelectMany(f => f.Names));
            TlsLog.CertificatesReloaded(_logger, _name, files.Count, names);
        }
    }

    private CertificateSet Build()
    {
        var all = new List<PemCertificate>(_files.Count + _issued.Count + 1);
        all.AddRange(_files);
        all.AddRange(_issued);
        if (all.Count == 0)
        {
            // ACME only and nothing issued yet: a handshake still needs some certificate; clients will not trust it.
            _fallback ??= FallbackCertificate.Create(_config.Acme?.Domains ?? [], _time);
            all.Add(_fallback);
        }
        return new CertificateSet(all);
    }

    private static List<PemCertificate>? Load(ListenerTlsConfig config, out string? error)
    {
        var loaded = new List<PemCertificate>(config.Certificates.Count);
        foreach (var files in config.Certificates)
        {
            var certificate = PemCertificate.TryLoad(files.Cert, files.Key, out error);
            if (certificate is null)
            {
                return null;
            }
            loaded.Add(certificate);
        }
        error = null;
        return loaded;
    }

    private void WarnExpired(IEnumerable<PemCertificate> certificates)
    {
        var now = _time.GetUtcNow();
        foreach (var certificate in certificates)
        {
            if (certificate.Leaf.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                TlsLog.CertificateExpired(_logger, _name, certificate.Leaf.Subject, certificate.Leaf.NotAfter.ToUniversalTime());
            }
        }
    }

    public void Dispose() => _watcher?.Dispose();
}
