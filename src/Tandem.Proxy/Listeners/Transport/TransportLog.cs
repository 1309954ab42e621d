using System.Net;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Listeners.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Accepting a connection on {EndPoint} failed")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint endPoint, Exception exception);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning,
        Message = "Listener {EndPoint}: cannot set IP_TRANSPARENT ({Error}; it needs CAP_NET_ADMIN), so a request in flight when the VIP moves to the peer loses its response")]
    public static partial void TransparentFailed(ILogger logger, string endPoint, string error);
}
