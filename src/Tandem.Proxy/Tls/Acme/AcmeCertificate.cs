using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// One ACME certificate (one <c>tls.acme</c> section's domains) and its loop: load it from the data directory, order it
/// when missing, renew it at two thirds of its lifetime, back off after a failure, and hand every new certificate to
/// the listeners that serve it (their SNI selection swaps it in for new handshakes; open connections keep theirs).
/// One loop per certificate, so never two orders for it at once; <see cref="AcmeNameClaims"/> keeps certificates that
/// share a name from ordering at the same time.
/// Concurrency: the loop is the only writer of the certificate and progress; the listener list is swapped under a lock.
/// </summary>
internal sealed class AcmeCertificate : IAsyncDisposable
{
    /// <summary>The longest one order may take, all polls included.</summary>
    public static readonly TimeSpan OrderTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The longest single wait; the schedule is looked at again after it (a clock change, a new listener).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    /// <summary>The wait while another certificate orders a shared name.</summary>
    private static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(2);

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
    private IReadOnlyList<ListenerTls> _listeners = [];
    private PemCertificate? _current;
    private AcmeProgress _progress = new(null, null, null);
    private Task? _loop;

    public AcmeCertificate(AcmeConfig config, AcmeFiles files, Func<CancellationToken, Task<AcmeIssued>> order, AcmeNameClaims claims, TimeProvider time,
        Func<double> random, ILogger logger)
    {
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
        DateTimeOffset? retryAt = null;
        while (!stop.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var due = retryAt ?? (_current is { } current ? RenewAt(current) : now);
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
                var issued = await _order(timeout.Token);
                _files.Save(issued);
                var certificate = PemCertificate.TryLoad(_files.CertPath, _files.KeyPath, out var error)
                    ?? throw new AcmeProblemException(AcmeProblemException.Protocol, $"the issued certificate does not load: {error}");
                failures = 0;
                retryAt = null;
                Publish(certificate, new AcmeProgress(_time.GetUtcNow(), RenewAt(certificate), null));
                var notAfter = NotAfter(certificate);
                TlsLog.AcmeIssued(_logger, _names, notAfter);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && ex is AcmeProblemException or HttpRequestException or OperationCanceledException
                or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException
                // JsonElement's getters, for an answer of the wrong shape.
                or KeyNotFoundException or InvalidOperationException)
            {
                failures++;
                var delay = AcmeSchedule.Backoff(failures, _random());
                retryAt = _time.GetUtcNow() + delay;
                var reason = ex is OperationCanceledException ? $"no certificate within {OrderTimeout.TotalMinutes:0} minutes" : ex.Message;
                Publish(null, _progress with { NextAttempt = retryAt, LastError = reason });
                TlsLog.AcmeFailed(_logger, _names, failures, delay, reason);
            }
            finally
            {
                _claims.Release(_config.Domains);
            }
        }
    }

    private async Task Delay(TimeSpan wait, CancellationToken stop)
    {
        try
        {
            await Task.Delay(wait, _time, stop);
        }
        catch (OperationCanceledException)
        {
            // stopping
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
