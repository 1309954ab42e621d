using Microsoft.Extensions.Logging;

namespace Tandem.Hosting;

/// <summary>The node's log lines about metrics and the access log, with stable event ids (3100-3199; 3100-3109 are the writer's).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "{Section} changed; it is read at start and applies after a restart")]
    public static partial void NeedsRestart(ILogger logger, string section);
}
