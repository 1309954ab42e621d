using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Health;

/// <summary>Health log lines, with stable event ids (1400-1499).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "{Pool}/{Server} is now {State}: {Reason}")]
    public static partial void BecameUnusable(ILogger logger, string pool, string server, string state, string reason);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "{Pool}/{Server} is now {State}: {Reason}")]
    public static partial void BecameUsable(ILogger logger, string pool, string server, string state, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "Health sweep failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
