using System.Net;
using Microsoft.Extensions.Primitives;
using Tandem.Core.Requests;
using Tandem.Core.Telemetry;

namespace Tandem.Observability.AccessLog;

/// <summary>
/// What the request path hands to the access log: references to strings that already exist (Kestrel's method, path,
/// header values; the config's names) and numbers. Formatting happens on the writer thread.
/// </summary>
internal readonly struct AccessLogEntry
{
    public required DateTimeOffset Time { get; init; }

    public IPAddress? Client { get; init; }

    public required string Method { get; init; }

    public StringValues Host { get; init; }

    public required string Path { get; init; }

    /// <summary>The query string with its leading '?', or "".</summary>
    public string Query { get; init; }

    public required string Protocol { get; init; }

    public int Status { get; init; }

    public string? Server { get; init; }

    public required string Pool { get; init; }

    public required string Listener { get; init; }

    /// <summary>The route the request matched (<c>default</c> on a listener without routes); null when unknown.</summary>
    public string? Route { get; init; }

    public int Attempts { get; init; }

    public double TotalMs { get; init; }

    /// <summary>The last attempt's exchange with the server; 0 when no server was tried.</summary>
    public double UpstreamMs { get; init; }

    public long BytesIn { get; init; }

    public long BytesOut { get; init; }

    public StringValues UserAgent { get; init; }

    public StringValues Referer { get; init; }

    public RequestError Error { get; init; }

    /// <summary>The access policy that refused the request and why; both null when none did.</summary>
    public string? Policy { get; init; }

    public string? PolicyReason { get; init; }

    /// <summary>How the cache served the request; <see cref="CacheOutcome.None"/> on a route without cache (no field written).</summary>
    public CacheOutcome Cache { get; init; }
}
