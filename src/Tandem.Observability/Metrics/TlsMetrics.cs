using Tandem.Core.Runtime;

namespace Tandem.Observability.Metrics;

/// <summary>
/// <c>tandem_tls_certificate_expiry_seconds{name}</c>: seconds until each served certificate expires, refreshed before each
/// scrape from <see cref="TlsStatus"/>. One series per primary name (the earliest expiry when listeners share a name), at
/// most <see cref="MaxNames"/>, so a config with many certificates cannot grow the registry without bound.
/// </summary>
public static class TlsMetrics
{
    /// <summary>The most certificate names exported; the soonest to expire are kept.</summary>
    public const int MaxNames = 200;

    public static void Observe(TandemMetrics metrics, TlsStatus status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(time);
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        var expiry = factory.CreateGauge("tandem_tls_certificate_expiry_seconds",
            "Seconds until the certificate served for a name expires (negative once expired); name is the certificate's first DNS name.", ["name"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var current = Soonest(status.Current, time.GetUtcNow());
            foreach (var old in seen)
            {
                if (!current.ContainsKey(old))
                {
                    expiry.RemoveLabelled(old);
                }
            }
            seen.Clear();
            foreach (var (name, seconds) in current)
            {
                seen.Add(name);
                expiry.WithLabels(name).Set(seconds);
            }
        });
    }

    /// <summary>Seconds to expiry per primary name: the earliest per name, the <see cref="MaxNames"/> soonest names.</summary>
    public static Dictionary<string, double> Soonest(IReadOnlyList<TlsListenerStatus> listeners, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            foreach (var certificate in listener.Certificates)
            {
                if (certificate.NotAfter is not { } notAfter)
                {
                    continue;
                }
                var seconds = Math.Round((notAfter - now).TotalSeconds);
                if (!byName.TryGetValue(certificate.Name, out var known) || seconds < known)
                {
                    byName[certificate.Name] = seconds;
                }
            }
        }
        if (byName.Count <= MaxNames)
        {
            return byName;
        }
        return byName.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxNames)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
