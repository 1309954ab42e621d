namespace Tandem.Core.Pools;

/// <summary>
/// Receives the outcome of each request to one server. Implemented by the observability layer with instruments
/// resolved once per server, so recording costs no lookup and no allocation on the request path.
/// </summary>
public interface IServerTelemetry : IDisposable
{
    void RequestCompleted(int statusCode, double seconds);
}

/// <summary>Creates the telemetry of a server when the server enters the runtime; disposed when it leaves.</summary>
public interface IServerTelemetryFactory
{
    IServerTelemetry Create(string pool, string server);

    /// <summary>Telemetry for requests of a pool that reached no server (503 with nothing usable).</summary>
    IServerTelemetry CreateUnrouted(string pool);
}

/// <summary>Records nothing; for tests and benchmarks.</summary>
public sealed class NullServerTelemetry : IServerTelemetry, IServerTelemetryFactory
{
    public static readonly NullServerTelemetry Instance = new();

    public void RequestCompleted(int statusCode, double seconds)
    {
    }

    public IServerTelemetry Create(string pool, string server) => Instance;

    public IServerTelemetry CreateUnrouted(string pool) => Instance;

    public void Dispose()
    {
    }
}
