using Microsoft.Extensions.Logging;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Pipeline;
using Tandem.Proxy.Tls.Acme;

namespace Tandem.Proxy.Listeners;

/// <summary>What every listener of the process shares.</summary>
internal sealed record ListenerServices(
    SharedSocketTransport Transport,
    RequestPipeline Pipeline,
    IDataPlaneTelemetry Telemetry,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    IServiceProvider ApplicationServices)
{
    /// <summary>ACME challenges being validated: every HTTP listener answers http-01, every TLS listener tls-alpn-01.</summary>
    public AcmeChallengeStore Challenges { get; init; } = new();
}
