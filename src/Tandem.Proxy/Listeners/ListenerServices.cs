using Microsoft.Extensions.Logging;
using Tandem.Observability.AccessLog;
using Tandem.Observability.Metrics;
using Tandem.Proxy.Forwarding;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Proxy.Listeners;

/// <summary>What every listener of the process shares.</summary>
internal sealed record ListenerServices(
    SharedSocketTransport Transport,
    RequestForwarder Forwarder,
    TandemMetrics Metrics,
    ILoggerFactory LoggerFactory,
    IServiceProvider ApplicationServices,
    AccessLogWriter? AccessLog = null);
