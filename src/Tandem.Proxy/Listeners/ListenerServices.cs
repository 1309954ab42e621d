using Microsoft.Extensions.Logging;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Listeners.Transport;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Listeners;

/// <summary>What every listener of the process shares.</summary>
internal sealed record ListenerServices(
    SharedSocketTransport Transport,
    RequestPipeline Pipeline,
    IDataPlaneTelemetry Telemetry,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    IServiceProvider ApplicationServices);
