using System.Net;
using Microsoft.Extensions.Logging;

namespace Tandem.Hosting;

/// <summary>The host's log lines, with stable event ids (100-199).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Tandem started with config {Source} (version {Version}); admin on {Scheme}://{Admin}/")]
    public static partial void Started(ILogger logger, string source, string version, string scheme, IPEndPoint admin);

    [LoggerMessage(EventId = 109, Level = LogLevel.Information,
        Message = "SIGHUP was ignored when Tandem started (nohup?); Tandem handles it anyway: kill -HUP reloads the config and reopens the access log")]
    public static partial void HangupTakenBack(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Config reloaded: version {Version} replaces {Previous}")]
    public static partial void Reloaded(ILogger logger, string version, string previous);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Config reload: {Problem}")]
    public static partial void ReloadProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Config reload rejected ({Count} problems); still serving version {Version}")]
    public static partial void ReloadRejected(ILogger logger, int count, string version);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "admin.bind changed; the admin listener stays on {Admin} until restart")]
    public static partial void AdminBindNeedsRestart(ILogger logger, IPEndPoint admin);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning,
        Message = "admin.tls changed; the admin listener keeps its TLS settings ({Now}) until restart (its certificate files are reloaded when they change on disk)")]
    public static partial void AdminTlsNeedsRestart(ILogger logger, string now);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Stopping: draining in-flight requests (up to {Timeout})")]
    public static partial void Draining(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Stopped{Outcome}")]
    public static partial void Stopped(ILogger logger, string outcome);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Cannot read config {Path}: {Reason}")]
    public static partial void WatchFailed(ILogger logger, string path, string reason);
}
