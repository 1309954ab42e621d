using Microsoft.Extensions.Logging;
using Tandem.Core.Requests;

namespace Tandem.Proxy.Diagnostics;

/// <summary>The data plane's log lines, with stable event ids (1000-1299).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning,
        Message = "{Pool}/{Server} ({Address}) {Method} {Path}: {Reason}; answered {Status} ({Suppressed} similar lines suppressed)")]
    public static partial void ServerFailed(ILogger logger, string pool, string server, string address, string method, string path, string reason, int status, long suppressed);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Pool {Pool} has no usable server; answered 503 to {Method} {Path} ({Suppressed} similar lines suppressed)")]
    public static partial void NoServer(ILogger logger, string pool, string method, string path, long suppressed);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "{Pool}/{Server}: {Kind}")]
    public static partial void ClientAborted(ILogger logger, string pool, string server, RequestError kind, Exception? exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Unexpected error forwarding {Method} {Path} to {Pool}/{Server}")]
    public static partial void Unexpected(ILogger logger, string method, string path, string pool, string server, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning,
        Message = "{Pool}/{Server} ({Address}) {Method} {Path}: {Reason}; retrying on {Next} ({Suppressed} similar lines suppressed)")]
    public static partial void Retrying(ILogger logger, string pool, string server, string address, string method, string path, string reason, string next, long suppressed);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Pool {Pool}: every usable server is at its max-connections and {Why}; answered 503 to {Method} {Path} ({Suppressed} similar lines suppressed)")]
    public static partial void QueueRefused(ILogger logger, string pool, string why, string method, string path, long suppressed);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Listener {Listener} serving pool {Pool} on {Endpoints}")]
    public static partial void ListenerStarted(ILogger logger, string listener, string pool, System.Net.IPEndPoint endpoints);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Listener {Listener} stopped")]
    public static partial void ListenerStopped(ILogger logger, string listener);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Listener {Listener} now serves pool {Pool}")]
    public static partial void ListenerRerouted(ILogger logger, string listener, string pool);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Listener {Listener} did not drain within {Timeout}; remaining connections were closed")]
    public static partial void DrainTimedOut(ILogger logger, string listener, TimeSpan timeout);
}
