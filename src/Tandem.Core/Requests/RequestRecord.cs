using System.Net;
using Tandem.Core.Pools;

namespace Tandem.Core.Requests;

/// <summary>
/// What the data plane reports of a request when it ends, however it ends: references to strings that already exist
/// (the server's method, path and header values; the config's names) and numbers, so building one allocates nothing.
/// </summary>
public readonly struct RequestRecord
{
    /// <summary>The pool that served it; null when Tandem answered it without one (a route's respond or redirect, no route matched).</summary>
    public PoolState? Pool { get; init; }

    /// <summary>The name of the route it matched (<c>default</c> on a listener without routes).</summary>
    public string? Route { get; init; }

    /// <summary>The route's series (<see cref="Telemetry.IListenerTelemetry.ForRoute"/>); null when routes are not counted.</summary>
    public Telemetry.IRouteTelemetry? RouteTelemetry { get; init; }

    /// <summary>The server of the last attempt; null when none was tried.</summary>
    public ServerState? Server { get; init; }

    /// <summary>Servers tried (1 + retries; 0 when none).</summary>
    public int Attempts { get; init; }

    /// <summary>Why it failed; <see cref="RequestError.None"/> when it did not.</summary>
    public RequestError Error { get; init; }

    /// <summary>From the request's arrival to the end of its response.</summary>
    public double TotalSeconds { get; init; }

    /// <summary>The last attempt's exchange with the server (sending the request to the end of the response).</summary>
    public double UpstreamSeconds { get; init; }

    public IPAddress? Client { get; init; }

    public required string Method { get; init; }

    /// <summary>The Host header as received (several values joined with commas); null when absent.</summary>
    public string? Host { get; init; }

    public required string Path { get; init; }

    /// <summary>The query string with its leading '?', or "".</summary>
    public required string Query { get; init; }

    public required string Protocol { get; init; }

    /// <summary>The status code the client got.</summary>
    public int Status { get; init; }

    /// <summary>The request body's declared length; 0 when none.</summary>
    public long BytesIn { get; init; }

    /// <summary>Response body bytes written to the client.</summary>
    public long BytesOut { get; init; }

    public string? UserAgent { get; init; }

    public string? Referer { get; init; }

    /// <summary>The access policy that refused the request; null when none did.</summary>
    public string? Policy { get; init; }

    /// <summary>Why <see cref="Policy"/> refused (<c>cidr</c>, <c>jwt-expired</c>, <c>rate</c>...); null when none did.</summary>
    public string? PolicyReason { get; init; }

    /// <summary>How the cache served the request (<see cref="Telemetry.CacheOutcome.None"/> on a route without cache).</summary>
    public Telemetry.CacheOutcome Cache { get; init; }
}
