using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tandem.Core.Balancing;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// Every ACME certificate of the process, one per distinct <c>tls.acme</c> section (directory and domains): created
/// when a config first names it, kept across reloads and listener replacements (the new listener gets the certificate
/// at once), stopped when no listener names it any more.
/// Concurrency: <see cref="AttachAsync"/> is called by the one component that applies configs; a lock guards the map.
/// </summary>
internal sealed class AcmeService : IAsyncDisposable
{
    private readonly AcmeChallengeStore _challenges;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AcmeSharing? _sharing;

    /// <param name="challenges">Where answers to http-01 and tls-alpn-01 challenges are published.</param>
    /// <param name="time">The clock of renewals and backoff.</param>
    /// <param name="random">The jitter of backoff.</param>
    /// <param name="logger">The log.</param>
    /// <param name="sharing">Where the pair meets the certificates (one node orders, both serve); null: every certificate is ordered here.</param>
    public AcmeService(AcmeChallengeStore challenges, TimeProvider time, IRandomSource random, ILogger logger, AcmeSharing? sharing = null)
    {
        _challenges = challenges;
        _time = time;
        _logger = logger;
        _jitter = () => random.NextInt(1_000_000) / 1_000_000d;
        _sharing = sharing;
        if (sharing is not null)
        {
            sharing.Local = key => Find(key)?.Local();
            sharing.Offer = offered => Find(offered.Key)?.Offer(offered) ?? false;
        }
    }

    private readonly Func<double> _jitter;
    private readonly Dictionary<string, Entry> _certificates = new(StringComparer.Ordinal);
    private readonly AcmeNameClaims _claims = new();
    private readonly Lock _gate = new();

    /// <summary>Gives each ACME listener its certificate; starts what is new, stops what is no longer named.</summary>
    /// <param name="dataDir">Where certificates and account keys are kept.</param>
    /// <param name="listeners">The TLS listeners of the applied config.</param>
    public async Task AttachAsync(string dataDir, IEnumerable<ListenerTls> listeners)
    {
        var wanted = new Dictionary<string, (AcmeConfig Config, List<ListenerTls> Listeners)>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            if (listener.Acme is { } acme)
            {
                var key = Key(dataDir, acme);
                if (!wanted.TryGetValue(key, out var entry))
                {
                    entry = (acme, []);
                    wanted[key] = entry;
                }
                entry.Listeners.Add(listener);
            }
        }
        var gone = new List<Entry>();
        lock (_gate)
        {
            foreach (var (key, (config, serving)) in wanted)
            {
                if (!_certificates.TryGetValue(key, out var entry))
                {
                    entry = Create(dataDir, config);
                    _certificates[key] = entry;
                    entry.Certificate.Serve(serving);
                    entry.Certificate.Start();
                }
                else
                {
                    entry.Certificate.Serve(serving);
                }
            }
            foreach (var key in _certificates.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
            {
                gone.Add(_certificates[key]);
                _certificates.Remove(key);
            }
        }
        foreach (var entry in gone)
        {
            await entry.DisposeAsync();
        }
    }

    private Entry Create(string dataDir, AcmeConfig config)
    {
        var files = new AcmeFiles(dataDir, config);
        var http = CreateHttpClient(config);
        AcmeOrderer? orderer = null;
        var certificate = new AcmeCertificate(config, files, async cancellationToken =>
        {
            // The account key is read (or made) on the first order, off the config-apply path.
            orderer ??= new AcmeOrderer(new AcmeClient(http, config.Directory, files.LoadOrCreateAccountKey()), _challenges, _time);
            return await orderer.OrderAsync(config.Domains, config.Challenge, config.Email, cancellationToken);
        }, _claims, _time, _jitter, _logger, _sharing);
        return new Entry(certificate, http);
    }

    /// <summary>The certificate of the section the pair names by <paramref name="shareKey"/>; null when this node has none.</summary>
    private AcmeCertificate? Find(string shareKey)
    {
        lock (_gate)
        {
            foreach (var entry in _certificates.Values)
            {
                if (entry.Certificate.ShareKey == shareKey)
                {
                    return entry.Certificate;
                }
            }
        }
        return null;
    }

    /// <summary>An HTTP client for the directory: its own CA when <c>ca</c> names one; no environment proxy for a loopback directory.</summary>
    internal static HttpClient CreateHttpClient(AcmeConfig config)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = !config.Directory.IsLoopback,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        };
        if (config.Ca is not null && PemCertificate.TryLoadBundle(config.Ca, out _) is { } authorities)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true };
            policy.CustomTrustStore.AddRange(authorities);
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = 1024 * 1024 };
    }

    private static string Key(string dataDir, AcmeConfig config) =>
        string.Join('\n', [dataDir, config.Directory.AbsoluteUri, config.Challenge.ToString(), config.Email ?? "", config.Ca ?? "", .. config.Domains]);

    public async ValueTask DisposeAsync()
    {
        List<Entry> all;
        lock (_gate)
        {
            all = [.. _certificates.Values];
            _certificates.Clear();
        }
        foreach (var entry in all)
        {
            await entry.DisposeAsync();
        }
    }

    private sealed record Entry(AcmeCertificate Certificate, HttpClient Http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Certificate.DisposeAsync();
            Http.Dispose();
        }
    }
}
