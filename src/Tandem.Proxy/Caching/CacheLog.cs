using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Caching;

/// <summary>The cache's log lines (event ids 1950-1959).</summary>
internal static partial class CacheLog
{
    /// <summary>Debug: the shared tier reports its own state (<see cref="ISharedCacheTier.Available"/>); a failed call is only a miss here.</summary>
    [LoggerMessage(EventId = 1960, Level = LogLevel.Debug, Message = "cache: the shared tier's {Operation} failed ({Reason}); memory only for it")]
    public static partial void SharedFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 1961, Level = LogLevel.Warning, Message = "cache: the background refresh of {Key} failed ({Reason})")]
    public static partial void RefreshFailed(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 1962, Level = LogLevel.Warning, Message = "cache: cache.redis is set but this node has no shared tier to use it; the cache keeps to memory")]
    public static partial void NoSharedTier(ILogger logger);
}
