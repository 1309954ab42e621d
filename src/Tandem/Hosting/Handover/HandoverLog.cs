using Microsoft.Extensions.Logging;

namespace Tandem.Hosting.Handover;

/// <summary>Log lines of the socket handover between an old and a new process (event ids 150-169).</summary>
internal static partial class HandoverLog
{
    [LoggerMessage(EventId = 150, Level = LogLevel.Information, Message = "Taking over {Count} listening sockets from the running process {Pid} ({Path})")]
    public static partial void Receiving(ILogger logger, int count, int pid, string path);

    [LoggerMessage(EventId = 151, Level = LogLevel.Warning, Message = "Cannot take over from the node on {Path} ({Reason}); starting without it")]
    public static partial void ConnectFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 152, Level = LogLevel.Information, Message = "Accepting on the sockets of process {Pid}; it stops accepting, drains and exits")]
    public static partial void TookOver(ILogger logger, int pid);

    [LoggerMessage(EventId = 153, Level = LogLevel.Information, Message = "Closed {Key}: taken over from the previous process, not in this config")]
    public static partial void ClosedUnclaimed(ILogger logger, string key);

    [LoggerMessage(EventId = 154, Level = LogLevel.Information, Message = "Handed {Count} listening sockets to a new process; no longer accepting, draining")]
    public static partial void HandedOver(ILogger logger, int count);

    [LoggerMessage(EventId = 155, Level = LogLevel.Warning, Message = "Handover not done: {Reason}; still serving")]
    public static partial void ExchangeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 156, Level = LogLevel.Warning, Message = "No control socket at {Path} ({Reason}): a new process cannot take over from this one without refusing connections")]
    public static partial void ControlUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 157, Level = LogLevel.Information, Message = "Previous process {Pid} exited; starting {What}")]
    public static partial void PredecessorExited(ILogger logger, int pid, string what);

    [LoggerMessage(EventId = 158, Level = LogLevel.Warning, Message = "Previous process {Pid} still runs after {Seconds} s; starting {What} anyway")]
    public static partial void PredecessorStillRunning(ILogger logger, int pid, double seconds, string what);
}
