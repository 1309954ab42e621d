using System.Net;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Streams;

/// <summary>The layer-4 data plane's log messages (event ids 1750-1769).</summary>
internal static partial class StreamLog
{
    [LoggerMessage(EventId = 1750, Level = LogLevel.Information, Message = "{Protocol} listener {Listener} listening on {EndPoint}")]
    public static partial void Started(ILogger logger, string protocol, string listener, EndPoint endPoint);

    [LoggerMessage(EventId = 1751, Level = LogLevel.Warning, Message = "listener {Listener}: connect to {Pool}/{Server} failed ({Reason}); trying another server")]
    public static partial void ConnectFailed(ILogger logger, string listener, string pool, string server, string reason);

    [LoggerMessage(EventId = 1752, Level = LogLevel.Warning, Message = "listener {Listener}: no server of pool {Pool} can take a connection from {Client}")]
    public static partial void NoServer(ILogger logger, string listener, string pool, EndPoint? client);

    [LoggerMessage(EventId = 1753, Level = LogLevel.Debug, Message = "listener {Listener}: closed a connection from {Client}: {Reason}")]
    public static partial void Refused(ILogger logger, string listener, EndPoint? client, string reason);

    [LoggerMessage(EventId = 1754, Level = LogLevel.Warning, Message = "listener {Listener}: at max-connections ({Max}); refused {Client}")]
    public static partial void Full(ILogger logger, string listener, int max, EndPoint? client);

    [LoggerMessage(EventId = 1755, Level = LogLevel.Warning, Message = "udp listener {Listener}: session table full ({Max}); dropped a datagram from {Client}")]
    public static partial void SessionsFull(ILogger logger, string listener, int max, EndPoint? client);

    [LoggerMessage(EventId = 1756, Level = LogLevel.Error, Message = "listener {Listener}: accept loop failed")]
    public static partial void LoopFailed(ILogger logger, string listener, Exception exception);

    [LoggerMessage(EventId = 1758, Level = LogLevel.Debug, Message = "listener {Listener}: accept failed ({Error}); still listening")]
    public static partial void AcceptFailed(ILogger logger, string listener, System.Net.Sockets.SocketError error);

    [LoggerMessage(EventId = 1757, Level = LogLevel.Information, Message = "{Protocol} listener {Listener} stopped")]
    public static partial void Stopped(ILogger logger, string protocol, string listener);
}
