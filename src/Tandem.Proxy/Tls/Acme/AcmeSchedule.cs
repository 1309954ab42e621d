namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// When to order: a certificate is renewed at two thirds of its lifetime (as certbot and Caddy do: for 90-day
/// certificates, 30 days ahead); a failed order is retried after an exponential backoff, jittered so that many nodes
/// do not retry in step, and bounded by <see cref="MaxBackoff"/>.
/// </summary>
internal static class AcmeSchedule
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    /// <summary>Two thirds of the way from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter) => notBefore + (notAfter - notBefore) * 2 / 3;

    /// <summary>The wait after the <paramref name="failures"/>th failure in a row: 10 s doubling to 6 h, times 0.8..1.2.</summary>
    /// <param name="failures">Failures in a row, 1 or more.</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Backoff(int failures, double random)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var wait = Math.Min(FirstBackoff.TotalSeconds * Math.Pow(2, exponent), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(wait * (0.8 + 0.4 * random));
    }
}
