using Microsoft.Extensions.Logging;

namespace Tandem.Pair.Vip;

/// <summary>Log messages of the VIP failover (event ids 2100-2199).</summary>
internal static partial class VipLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "keepalived started (pid {Pid}) with {Config}")]
    public static partial void KeepalivedStarted(ILogger logger, int pid, string config);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "keepalived exited with code {Code}; restarting in {Delay} ms")]
    public static partial void KeepalivedDied(ILogger logger, int code, long delay);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "keepalived: {Line}")]
    public static partial void KeepalivedOutput(ILogger logger, string line);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "keepalived stopped")]
    public static partial void KeepalivedStopped(ILogger logger);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Stopping a keepalived (pid {Pid}) left running by an earlier Tandem with this runtime dir")]
    public static partial void StaleKeepalived(ILogger logger, int pid);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "keepalived could not be started: {Reason}")]
    public static partial void KeepalivedStartFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "VIP {Instance} ({Address}): this node is now {Role}")]
    public static partial void RoleChanged(ILogger logger, string instance, string address, string role);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "VIP health now {Health}: {Reason}")]
    public static partial void HealthChanged(ILogger logger, string health, string reason);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "Stopping: giving the VIP away before draining")]
    public static partial void HandingOver(ILogger logger);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "Stopping: VIP handed over after {Elapsed} ms")]
    public static partial void HandedOver(ILogger logger, long elapsed);

    [LoggerMessage(EventId = 2114, Level = LogLevel.Warning, Message = "Stopping: still holding the VIP after {Elapsed} ms (no peer took it); draining anyway")]
    public static partial void HandOverTimedOut(ILogger logger, long elapsed);

    [LoggerMessage(EventId = 2115, Level = LogLevel.Error, Message = "VIP runtime files in {Dir} could not be written: {Reason}")]
    public static partial void WriteFailed(ILogger logger, string dir, string reason);
}
