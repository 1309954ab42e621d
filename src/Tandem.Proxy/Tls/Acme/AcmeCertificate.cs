using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// One ACME certificate (one <c>tls.acme</c> section's domains) and its loop: load it from the data directory, order it
/// when missing, renew it at two thirds of its lifetime, back off after a failure, and hand every new certificate to
/// the listeners that serve it (their SNI selection swaps it in for new handshakes; open connections keep theirs).
/// One loop per certificate, so never two orders for it at once; <see cref="AcmeNameClaims"/> keeps certificates that
/// share a name from ordering at the same time. In a pair (<see cref="AcmeSharing"/>) one node orders: before ordering,
/// a node takes the peer's certificate when it is good for longer, and the node that does not order waits for the
/// peer's (which the peer also sends the moment it has it) for up to <see cref="FollowerPatience"/>, then orders itself.
/// Concurrency: the loop orders; a certificate from the peer (<see cref="Offer"/>) is saved under the same lock as the
/// loop's; the listener list is swapped under a lock.
/// </summary>
internal sealed class AcmeCertificate : IAsyncDisposable
{
    /// <summary>The longest one order may take, all polls included.</summary>
    public static readonly TimeSpan OrderTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The longest single wait; the schedule is looked at again after it (a clock change, a new listener).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    /// <summary>The wait while another certificate orders a shared name.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(2);

    /// <summary>How long the node that does not order waits for the peer's certificate before it orders one itself.</summary>
    public static readonly TimeSpan FollowerPatience = TimeSpan.FromMinutes(5);

    /// <summary>Between two asks of the peer while waiting for its certificate.</summary>
    private static readonly TimeSpan FollowerPoll = TimeSpan.FromSeconds(15);

    /// <summary>The longest the first order waits for the pair channel to find the peer.</summary>
    private static readonly TimeSpan PeerWait = TimeSpan.FromSeconds(10);

    private readonly AcmeConfig _config;
    private readonly AcmeFiles _files;
    private readonly Func<CancellationToken, Task<AcmeIssued>> _order;
    private readonly AcmeNameClaims _claims;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _names;
    private readonly AcmeSharing? _sharing;
    private readonly Lock _saveGate = new();
    private IReadOnlyList<ListenerTls> _listeners = [];
    private DateTimeOffset? _retryAt;
    private DateTimeOffset? _waitingSince;
    private CancellationTokenSource? _wake;
    private PemCertificate? _current;
    private AcmeProgress _progress = new(null, null, null);
    private Task? _loop;

    public AcmeCertificate(AcmeConfig config, AcmeFiles files, Func<CancellationToken, Task<AcmeIssued>> order, AcmeNameClaims claims, TimeProvider time,
        Func<double> random, ILogger logger, AcmeSharing? sharing = null)
    {
        _sharing = sharing;
        ShareKey = KeyOf(config);
        _config = config;
        _files = files;
        _order = order;
        _claims = claims;
        _time = time;
        _random = random;
        _logger = logger;
        _names = string.Join(", ", config.Domains);
    }

    public AcmeConfig Config => _config;

    /// <summary>Names this certificate alike on both nodes of a pair: the directory and the domains.</summary>
    public string ShareKey { get; }

    public static string KeyOf(AcmeConfig config) => string.Join('\n', [config.Directory.AbsoluteUri, .. config.Domains]);

    public AcmeProgress Progress => _progress;

    /// <summary>The listeners serving this certificate from now on; each gets the current certificate and progress at once.</summary>
    public void Serve(IReadOnlyList<ListenerTls> listeners)
    {
        lock (_gate)
        {
            _listeners = listeners;
            foreach (var listener in listeners)
            {
                if (_current is not null)
                {
                    listener.SetIssued([_current]);
                }
                listener.SetAcmeProgress(_progress);
            }
        }
    }

    /// <summary>Loads a stored certificate (synchronously, so the first handshakes already get it) and starts the loop.</summary>
    public void Start()
    {
        var stored = _files.LoadCertificate(out var error);
        if (stored is not null)
        {
            var loadedAt = new DateTimeOffset(File.GetLastWriteTimeUtc(_files.CertPath), TimeSpan.Zero);
            Publish(stored, _progress with { LastIssued = loadedAt, NextAttempt = RenewAt(stored) });
            var notAfter = NotAfter(stored);
            TlsLog.AcmeLoaded(_logger, _names, _files.CertPath, notAfter);
        }
        else if (error is not null)
        {
            Publish(null, _progress with { LastError = error });
        }
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var due = _retryAt ?? (_current is { } current ? RenewAt(current) : now);
            if (due > now)
            {
                Publish(null, _progress with { NextAttempt = due });
                var wait = due - now;
                await Delay(wait < MaxWait ? wait : MaxWait, stop);
                continue;
            }
            if (!_claims.TryClaim(_config.Domains))
            {
                await Delay(ClaimWait, stop);
                continue;
            }
            try
            {
                Publish(null, _progress with { NextAttempt = now });
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(OrderTimeout);
                var (issued, from) = await ObtainAsync(timeout.Token);
                if (issued is null)
                {
                    // The peer orders for both: ask again soon (its certificate may also arrive by itself before then).
                    _retryAt = _time.GetUtcNow() + FollowerPoll;
                    continue;
                }
                PemCertificate certificate;
                lock (_saveGate)
                {
                    _files.Save(issued);
                    certificate = PemCertificate.TryLoad(_files.CertPath, _files.KeyPath, out var error)
                        ?? throw new AcmeProblemException(AcmeProblemException.Protocol, $"the issued certificate does not load: {error}");
                    Publish(certificate, new AcmeProgress(_time.GetUtcNow(), RenewAt(certificate), null));
                }
                failures = 0;
                _retryAt = null;
                var notAfter = NotAfter(certificate);
                if (from is null)
                {
                    TlsLog.AcmeIssued(_logger, _names, notAfter);
                    _sharing?.Report(new SharedCertificate(ShareKey, issued.ChainPem, issued.KeyPem));
                }
                else
                {
                    TlsLog.AcmeFromPeer(_logger, _names, from, notAfter);
                }
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is AcmeProblemException or HttpRequestException or OperationCanceledException
                or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException
                // JsonElement's getters, for an answer of the wrong shape.
                or KeyNotFoundException or InvalidOperationException)
            {
                failures++;
                var delay = AcmeSchedule.Backoff(failures, _random());
                _retryAt = _time.GetUtcNow() + delay;
                var reason = ex is OperationCanceledException ? $"no certificate within {OrderTimeout.TotalMinutes:0} minutes" : ex.Message;
                Publish(null, _progress with { NextAttempt = _retryAt, LastError = reason });
                TlsLog.AcmeFailed(_logger, _names, failures, delay, reason);
            }
            finally
            {
                _claims.Release(_config.Domains);
            }
        }
    }

    /// <summary>
    /// A certificate for this section: the peer's when it has one good for longer than renewal (null when this node is
    /// the one that waits for the peer's), else one ordered here. The second value names the peer it came from.
    /// </summary>
    private async Task<(AcmeIssued? Issued, string? From)> ObtainAsync(CancellationToken cancellationToken)
    {
        if (await PeerAsync(cancellationToken) is { } peer)
        {
            if (await peer.FetchAsync(ShareKey, cancellationToken) is { } theirs && Better(theirs, requireFresh: true) is not null)
            {
                _waitingSince = null;
                return (new AcmeIssued(theirs.ChainPem, theirs.KeyPem), peer.Name);
            }
            var now = _time.GetUtcNow();
            if (!peer.Orders && peer.Alive && (_waitingSince is not { } since || now - since < FollowerPatience))
            {
                if (_waitingSince is null)
                {
                    _waitingSince = now;
                    TlsLog.AcmeWaitingForPeer(_logger, _names, peer.Name);
                }
                return (null, null);
            }
        }
        _waitingSince = null;
        return (await _order(cancellationToken), null);
    }

    /// <summary>The peer, once the pair channel has found it (waiting up to <see cref="PeerWait"/> at first); null: order alone.</summary>
    private async Task<IAcmePeer?> PeerAsync(CancellationToken cancellationToken)
    {
        if (_sharing is not { } sharing)
        {
            return null;
        }
        var deadline = _time.GetUtcNow() + PeerWait;
        while (sharing.PairExpected && sharing.Peer is not { Alive: true } && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken);
        }
        return sharing.Peer is { Alive: true } peer ? peer : null;
    }

    /// <summary>
    /// The leaf of <paramref name="offered"/> when it holds its key, covers every domain and outlasts the certificate
    /// served now (and, with <paramref name="requireFresh"/>, is not yet due for renewal itself); else null.
    /// </summary>
    private X509Certificate2? Better(SharedCertificate offered, bool requireFresh)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(offered.ChainPem, offered.KeyPem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }
        var names = PemCertificate.HostNames(leaf);
        foreach (var domain in _config.Domains)
        {
            if (!names.Contains(domain, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }
        }
        var notAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime());
        var current = _current;
        if ((current is not null && notAfter <= NotAfter(current))
            || (requireFresh && AcmeSchedule.RenewAt(new DateTimeOffset(leaf.NotBefore.ToUniversalTime()), notAfter) <= _time.GetUtcNow()))
        {
            return null;
        }
        return leaf;
    }

    /// <summary>
    /// A certificate the peer ordered for the same section: saved and served when it is better than this node's (see
    /// <see cref="Better"/>), and the loop's schedule looked at again. False when not taken.
    /// </summary>
    public bool Offer(SharedCertificate offered)
    {
        PemCertificate certificate;
        lock (_saveGate)
        {
            if (Better(offered, requireFresh: false) is null)
            {
                return false;
            }
            try
            {
                _files.Save(new AcmeIssued(offered.ChainPem, offered.KeyPem));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            if (PemCertificate.TryLoad(_files.CertPath, _files.KeyPath, out _) is not { } loaded)
            {
                return false;
            }
            certificate = loaded;
            Publish(certificate, new AcmeProgress(_time.GetUtcNow(), RenewAt(certificate), null));
            _retryAt = null;
            _waitingSince = null;
        }
        var peer = _sharing?.Peer?.Name ?? "peer";
        var notAfter = NotAfter(certificate);
        TlsLog.AcmeFromPeer(_logger, _names, peer, notAfter);
        try
        {
            _wake?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the loop has moved on
        }
        return true;
    }

    /// <summary>This node's certificate as the peer would take it; null when there is none.</summary>
    public SharedCertificate? Local()
    {
        lock (_saveGate)
        {
            if (_current is null)
            {
                return null;
            }
            try
            {
                return new SharedCertificate(ShareKey, File.ReadAllText(_files.CertPath), File.ReadAllText(_files.KeyPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    private async Task Delay(TimeSpan wait, CancellationToken stop)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _wake = wake;
        try
        {
            await Task.Delay(wait, _time, wake.Token);
        }
        catch (OperationCanceledException)
        {
            // stopping, or woken by a certificate from the peer
        }
        finally
        {
            _wake = null;
        }
    }

    private void Publish(PemCertificate? certificate, AcmeProgress progress)
    {
        lock (_gate)
        {
            if (certificate is not null)
            {
                _current = certificate;
            }
            _progress = progress;
            foreach (var listener in _listeners)
            {
                if (certificate is not null)
                {
                    listener.SetIssued([certificate]);
                }
                listener.SetAcmeProgress(progress);
            }
        }
    }

    private static DateTimeOffset NotAfter(PemCertificate certificate) => new(certificate.Leaf.NotAfter.ToUniversalTime());

    private static DateTimeOffset RenewAt(PemCertificate certificate) =>
        AcmeSchedule.RenewAt(new DateTimeOffset(certificate.Leaf.NotBefore.ToUniversalTime()), NotAfter(certificate));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // stopped mid-order
            }
        }
        _stop.Dispose();
    }
}
