namespace Tandem.Core.Telemetry;

/// <summary>
/// The per-route series of one route of one listener, resolved once when a config's routes are compiled (route names
/// come from the config only, so the series are bounded by it). Concurrency: called from any request thread.
/// </summary>
public interface IRouteTelemetry
{
    /// <summary>A request the route served ended with <paramref name="status"/> after <paramref name="seconds"/>.</summary>
    void RequestCompleted(int status, double seconds);
}
