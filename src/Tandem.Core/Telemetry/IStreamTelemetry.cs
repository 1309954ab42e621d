using System.Net;
using Tandem.Core.Pools;
using Tandem.Core.Requests;

namespace Tandem.Core.Telemetry;

/// <summary>
/// Receives the connections (tcp, tls-passthrough) or client flows (udp) of one layer-4 listener. Implemented by the
/// observability layer (metrics and one access-log line per connection or flow); instruments are resolved once per
/// listener. Concurrency: called from any connection thread.
/// </summary>
public interface IStreamTelemetry
{
    /// <summary>A connection was accepted or a flow began; pair with <see cref="Ended"/>.</summary>
    void Opened();

    /// <summary>The connection or flow ended; counts its bytes and writes its access-log line.</summary>
    void Ended(in StreamRecord record);

    /// <summary>Registers how many UDP flows the listener tracks now (read at scrape time).</summary>
    void ObserveSessions(Func<int> count);
}

/// <summary>One ended layer-4 connection or UDP flow.</summary>
public readonly struct StreamRecord
{
    /// <summary><c>tcp</c>, <c>udp</c> or <c>tls-passthrough</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The pool it was routed to; null when no route matched.</summary>
    public PoolState? Pool { get; init; }

    /// <summary>The server that served it; null when none could.</summary>
    public ServerState? Server { get; init; }

    public IPEndPoint? Client { get; init; }

    /// <summary>The TLS server name (tls-passthrough).</summary>
    public string? ServerName { get; init; }

    /// <summary>Bytes (or datagram bytes) from the client.</summary>
    public long BytesIn { get; init; }

    /// <summary>Bytes sent to the client.</summary>
    public long BytesOut { get; init; }

    public double Seconds { get; init; }

    /// <summary>Why it ended abnormally; <see cref="RequestError.None"/> when either side closed it.</summary>
    public RequestError Error { get; init; }

    /// <summary>The policy that refused the connection; null when none did.</summary>
    public string? Policy { get; init; }

    /// <summary>Why <see cref="Policy"/> refused it (<c>cidr</c>, <c>rate</c>...).</summary>
    public string? PolicyReason { get; init; }
}

/// <summary>Telemetry that records nothing.</summary>
public sealed class NullStreamTelemetry : IStreamTelemetry
{
    public static readonly NullStreamTelemetry Instance = new();

    public void Opened()
    {
    }

    public void Ended(in StreamRecord record)
    {
    }

    public void ObserveSessions(Func<int> count)
    {
    }
}
