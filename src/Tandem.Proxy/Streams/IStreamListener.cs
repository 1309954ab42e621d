using System.Net;
using Microsoft.Extensions.Logging;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Proxy.Streams;

/// <summary>A running layer-4 listener (tcp, tls-passthrough or udp), as <see cref="StreamListeners"/> manages it.</summary>
internal interface IStreamListener
{
    StreamSettings Settings { get; }

    IPEndPoint BoundEndPoint { get; }

    /// <summary>Connections (tcp) or flows (udp) open now.</summary>
    long OpenConnections { get; }

    void Activate();

    void Update(StreamSettings settings);

    Task<bool> StopAsync(TimeSpan drain);
}

/// <summary>What every layer-4 listener of the process shares.</summary>
internal sealed record StreamServices(ListenSocketRegistry Registry, IDataPlaneTelemetry Telemetry, TimeProvider Time, ILogger Logger);
