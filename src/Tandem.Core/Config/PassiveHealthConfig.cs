namespace Tandem.Core.Config;

/// <summary>
/// Passive health checking, as Envoy's outlier detection (YAML <c>pools[].passive</c>): consecutive failures of real
/// requests eject a server for a time that doubles with each repeat ejection.
/// </summary>
public sealed record PassiveHealthConfig
{
    /// <summary>Key <c>consecutive-failures</c>: failures in a row that eject a server; default 5; 0 turns passive checks off.</summary>
    public int? ConsecutiveFailures { get; init; }

    /// <summary>Key <c>ejection-time</c>: the first ejection's length, doubled on each repeat; default 10 s.</summary>
    public TimeSpan? EjectionTime { get; init; }

    /// <summary>Key <c>max-ejection-percent</c>: the largest share of a pool ejected at once, though one server may always be; default 50.</summary>
    public int? MaxEjectionPercent { get; init; }

    /// <summary>Key <c>count-5xx</c>: whether 5xx answers count as failures (connect errors, resets and timeouts always do); default false.</summary>
    public bool? Count5xx { get; init; }
}
