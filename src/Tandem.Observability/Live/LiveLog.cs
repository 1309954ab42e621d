using Microsoft.Extensions.Logging;

namespace Tandem.Observability.Live;

/// <summary>Log lines of the live push and the admin token (event ids 3200-3299).</summary>
internal static partial class LiveLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Debug, Message = "Live client {Client} connected ({Count} connected)")]
    public static partial void ClientConnected(ILogger logger, string client, int count);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Live client {Client} disconnected ({Count} connected)")]
    public static partial void ClientDisconnected(ILogger logger, string client, int count);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Live client {Client} dropped: it fell {Capacity} events behind")]
    public static partial void ClientDropped(ILogger logger, string client, int capacity);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Live client {Client} refused: already {Max} clients")]
    public static partial void ClientRefused(ILogger logger, string client, int max);
}
