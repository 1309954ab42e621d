using System.Globalization;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Core.Health;

/// <summary>
/// Passive health checking, with Envoy's outlier-detection semantics: a server whose real requests fail
/// <c>consecutive-failures</c> times in a row (connect errors, resets and timeouts; 5xx answers with <c>count-5xx</c>;
/// never client aborts) is ejected for <c>ejection-time</c> x 2^(ejections so far), at most 5 minutes, and readmitted
/// when that time is up. A server that then stays in for twice the base time starts again from one. Ejection takes
/// out at most <c>max-ejection-percent</c> of a pool (default 50%), but always at least one server (Envoy's rule): a
/// cap that kept a lone failing server in would have the pool claim to be up while every request fails.
/// Concurrency: <see cref="Record"/> runs on request threads, lock-free (interlocked counters on the server); the rare
/// ejection goes through <see cref="PoolState.Eject"/>, which serializes; <see cref="Sweep"/> runs on one timer loop.
/// </summary>
public static class OutlierDetector
{
    private static readonly TimeSpan MaxEjection = TimeSpan.FromMinutes(5);

    /// <summary>Records the outcome of one request to <paramref name="server"/>.</summary>
    public static void Record(PoolState pool, ServerState server, int statusCode, bool serverFailed)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(server);
        var settings = pool.Passive;
        if (settings.ConsecutiveFailures == 0)
        {
            return;
        }
        if (!serverFailed && !(settings.Count5xx && statusCode is >= 500 and <= 599))
        {
            server.CountSuccess();
            return;
        }
        var failures = server.CountFailure();
        if (failures >= settings.ConsecutiveFailures && !server.Ejected)
        {
            Eject(pool, server, settings, failures, serverFailed ? "server failures" : statusCode.ToString(CultureInfo.InvariantCulture) + " answers");
        }
    }

    /// <summary>Readmits servers whose ejection is over and forgets old ejections; call a few times a second.</summary>
    public static void Sweep(PoolState pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var time = pool.Context.Time;
        var now = time.GetTimestamp();
        foreach (var server in pool.Servers)
        {
            if (server.Ejected)
            {
                if (now >= server.EjectedUntil)
                {
                    server.ReadmittedAt = now;
                    server.CountSuccess();
                    pool.Readmit(server, "readmitted: its ejection time is over");
                }
            }
            else if (server.Ejections > 0 && time.GetElapsedTime(server.ReadmittedAt, now) >= 2 * pool.Passive.EjectionTime)
            {
                server.ResetEjections();
            }
        }
    }

    private static void Eject(PoolState pool, ServerState server, PassiveSettings settings, int failures, string what)
    {
        var time = pool.Context.Time;
        var length = settings.EjectionTime * Math.Pow(2, Math.Min(server.Ejections, 10));
        if (length > MaxEjection)
        {
            length = MaxEjection;
        }
        server.EjectedUntil = time.GetTimestamp() + (long)(length.TotalSeconds * time.TimestampFrequency);
        var reason = string.Create(CultureInfo.InvariantCulture, $"ejected for {length.TotalSeconds:0.#} s after {failures} {what} in a row");
        if (pool.Eject(server, settings.MaxEjectionPercent, reason))
        {
            server.CountEjection();
        }
    }
}

/// <summary>A pool's passive-check settings with defaults applied (see <see cref="PassiveHealthConfig"/>).</summary>
public readonly record struct PassiveSettings(int ConsecutiveFailures, TimeSpan EjectionTime, int MaxEjectionPercent, bool Count5xx)
{
    public static PassiveSettings From(PassiveHealthConfig? config) => new(
        config?.ConsecutiveFailures ?? ConfigDefaults.ConsecutiveFailures,
        config?.EjectionTime ?? ConfigDefaults.EjectionTime,
        config?.MaxEjectionPercent ?? ConfigDefaults.MaxEjectionPercent,
        config?.Count5xx ?? false);
}
