using Tandem.Core.Pools;
using Tandem.Core.Requests;

namespace Tandem.Core.Telemetry;

/// <summary>
/// Receives the connections and requests of one listener (every generation of it, across reloads). Implemented by the
/// observability layer with instruments resolved once per listener, so recording costs no lookup and no allocation.
/// Concurrency: called from any connection or request thread.
/// </summary>
public interface IListenerTelemetry
{
    /// <summary>Whether <see cref="Record"/> does anything (metrics or an access log are on); the proxy skips building records otherwise.</summary>
    bool RecordsRequests { get; }

    /// <summary>Client connections open now (the drain of a handover waits for them).</summary>
    long OpenConnections { get; }

    void ConnectionOpened();

    void ConnectionClosed();

    /// <summary>A request arrived; pair with <see cref="RequestEnded"/>.</summary>
    void RequestStarted();

    /// <summary>The request ended (it is no longer in flight); <see cref="Record"/> follows when <see cref="RecordsRequests"/>.</summary>
    void RequestEnded();

    /// <summary>An attempt on <paramref name="server"/> failed for <paramref name="reason"/> and the request is retried elsewhere.</summary>
    void Retried(ServerState server, RequestError reason);

    /// <summary>Counts the ended request and hands its line to the access log.</summary>
    void Record(in RequestRecord record);

    /// <summary>
    /// The series of route <paramref name="route"/> of this listener, resolved once per config (not per request); null
    /// when routes are not counted.
    /// </summary>
    IRouteTelemetry? ForRoute(string route) => null;
}
