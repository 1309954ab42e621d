using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>The admit stage's log lines, with stable event ids (1860-1879).</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(EventId = 1860, Level = LogLevel.Debug,
        Message = "Policy {Policy} refused {Method} {Path} from {Client}: {Reason}, answered {Status} ({Suppressed} similar lines suppressed)")]
    public static partial void Refused(ILogger logger, string policy, string method, string path, string client, string reason, int status, long suppressed);

    [LoggerMessage(EventId = 1861, Level = LogLevel.Information, Message = "Reloaded {Path}")]
    public static partial void SecretReloaded(ILogger logger, string path);

    [LoggerMessage(EventId = 1862, Level = LogLevel.Warning, Message = "Cannot reload {Path}: {Reason}; the previous version stays in force")]
    public static partial void SecretUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1863, Level = LogLevel.Information, Message = "JWKS of policy {Policy} refreshed from {Source}: {Keys} keys")]
    public static partial void KeysRefreshed(ILogger logger, string policy, string source, int keys);

    [LoggerMessage(EventId = 1864, Level = LogLevel.Warning, Message = "JWKS of policy {Policy} could not be fetched from {Source}: {Reason}")]
    public static partial void KeysUnavailable(ILogger logger, string policy, string source, string reason);

    [LoggerMessage(EventId = 1866, Level = LogLevel.Debug,
        Message = "Policy {Policy} refused a connection to listener {Listener} from {Client}: {Reason}, closed ({Suppressed} similar lines suppressed)")]
    public static partial void ConnectionRefused(ILogger logger, string policy, string listener, string client, string reason, long suppressed);

    [LoggerMessage(EventId = 1865, Level = LogLevel.Warning, Message = "Forward-auth of policy {Policy} failed ({Url}): {Reason}; refused with 403")]
    public static partial void ForwardAuthFailed(ILogger logger, string policy, string url, string reason);
}
