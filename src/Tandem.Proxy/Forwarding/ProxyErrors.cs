using System.Net.Sockets;
using Tandem.Core.Requests;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Classifies what YARP reports into a <see cref="RequestError"/>, the kind retry and health logic branch on (never
/// message text), and describes it for the log.
/// </summary>
internal static class ProxyErrors
{
    public static RequestError Classify(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.None => RequestError.None,
        ForwarderError.Request => IsConnectFailure(exception) ? RequestError.ConnectFailed
            : IsTimeout(exception) ? RequestError.TimedOut : RequestError.ServerFailed,
        ForwarderError.RequestTimedOut => RequestError.TimedOut,
        ForwarderError.RequestCreation => RequestError.BadRequest,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => RequestError.ClientAborted,
        ForwarderError.UpgradeActivityTimeout => RequestError.IdleClosed,
        _ => RequestError.ServerFailed,
    };

    /// <summary>Whether the server is to blame (counts as a failure of the server).</summary>
    public static bool IsServerFault(RequestError kind) =>
        kind is RequestError.ConnectFailed or RequestError.TimedOut or RequestError.ServerFailed;

    public static string Describe(RequestError kind, Exception? exception)
    {
        var reason = Innermost(exception);
        return kind switch
        {
            RequestError.ConnectFailed => "connect failed: " + reason,
            RequestError.TimedOut => "timed out: " + reason,
            RequestError.ServerFailed => "server failed: " + reason,
            RequestError.ClientAborted => "client aborted: " + reason,
            RequestError.BadRequest => "bad request: " + reason,
            _ => reason,
        };
    }

    /// <summary>Whether the failure happened before any response arrived, so a retry sends no duplicate answer.</summary>
    public static bool BeforeResponse(ForwarderError error) => error is ForwarderError.Request or ForwarderError.RequestTimedOut;

    private static bool IsTimeout(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsConnectFailure(Exception? exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
        || FindSocketError(exception) is SocketError.ConnectionRefused or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.TryAgain;

    private static SocketError? FindSocketError(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }
        return null;
    }

    /// <summary>The message of the innermost exception: the one that says what happened ("Connection refused").</summary>
    public static string Innermost(Exception? exception)
    {
        if (exception is null)
        {
            return "no details";
        }
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e.Message;
    }
}
