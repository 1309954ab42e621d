using System.Net;
using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Listeners.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Accepting a connection on {EndPoint} failed")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint endPoint, Exception exception);
}
