using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>The Redis cache tier's log lines, with stable event ids (1950-1959): one per change of state, never one per request.</summary>
internal static partial class RedisCacheLog
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Redis cache tier {Endpoints} is available")]
    public static partial void Available(ILogger logger, string endpoints);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Warning, Message = "Redis cache tier {Endpoints} is unavailable ({Reason}); caching in memory only, probing in the background")]
    public static partial void Unavailable(ILogger logger, string endpoints, string reason);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Warning, Message = "Cache purge {Kind} {Value} did not reach Redis ({Reason}); it is applied and announced when Redis is back")]
    public static partial void PurgeDeferred(ILogger logger, CachePurgeKind kind, string value, string reason);

    [LoggerMessage(EventId = 1953, Level = LogLevel.Warning, Message = "More than {Count} cache purges waited for Redis; everything under {Prefix} is purged when it is back")]
    public static partial void PurgesOverflowed(ILogger logger, int count, string prefix);

    [LoggerMessage(EventId = 1954, Level = LogLevel.Information, Message = "Applied {Count} cache purges that waited for Redis")]
    public static partial void PurgesReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 1955, Level = LogLevel.Error, Message = "A handler of a cache purge announced by {Node} failed")]
    public static partial void PurgedHandlerFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(EventId = 1956, Level = LogLevel.Warning, Message = "Ignored a message on the cache purge channel {Channel} that is not a purge")]
    public static partial void MalformedPurge(ILogger logger, string channel);
}
