using Microsoft.Extensions.Logging;

namespace Tandem.Observability.AccessLog;

/// <summary>The access log's own log lines, with stable event ids (3100-3199).</summary>
internal static partial class AccessLogLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Access log: {Format} lines to {Target} (buffer {Buffer} entries)")]
    public static partial void Opened(ILogger logger, string format, string target, int buffer);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Access log: cannot write to {Target}: {Reason}; lines are dropped until it can")]
    public static partial void WriteFailed(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Access log: rotated {Target} at {Bytes} bytes")]
    public static partial void Rotated(ILogger logger, string target, long bytes);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Access log: reopened {Target}")]
    public static partial void Reopened(ILogger logger, string target);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Access log: {Dropped} lines dropped so far because the writer fell behind (buffer {Buffer})")]
    public static partial void Dropping(ILogger logger, long dropped, int buffer);
}
