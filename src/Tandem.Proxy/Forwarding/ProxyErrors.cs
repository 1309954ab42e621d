using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>Why a forwarded request failed, as retry and health logic need to know it (never from message text).</summary>
internal enum ProxyErrorKind
{
    None,

    /// <summary>No connection to the server could be made; nothing was sent.</summary>
    ConnectFailed,

    /// <summary>The server did not answer (or went silent) within the timeout.</summary>
    TimedOut,

    /// <summary>The server broke the exchange: reset, closed early, bad response.</summary>
    ServerFailed,

    /// <summary>The client went away or broke its side; never counted against the server.</summary>
    ClientAborted,

    /// <summary>The request could not be built (a bad incoming request).</summary>
    BadRequest,

    /// <summary>An upgraded connection (WebSocket) was closed for idleness; normal.</summary>
    IdleClosed,
}

internal static class ProxyErrors
{
    public static ProxyErrorKind Classify(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.None => ProxyErrorKind.None,
        ForwarderError.Request => IsConnectFailure(exception) ? ProxyErrorKind.ConnectFailed
            : IsTimeout(exception) ? ProxyErrorKind.TimedOut : ProxyErrorKind.ServerFailed,
        ForwarderError.RequestTimedOut => ProxyErrorKind.TimedOut,
        ForwarderError.RequestCreation => ProxyErrorKind.BadRequest,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => ProxyErrorKind.ClientAborted,
        ForwarderError.UpgradeActivityTimeout => ProxyErrorKind.IdleClosed,
        _ => ProxyErrorKind.ServerFailed,
    };

    /// <summary>Whether the server is to blame (counts as a failure of the server).</summary>
    public static bool IsServerFault(ProxyErrorKind kind) =>
        kind is ProxyErrorKind.ConnectFailed or ProxyErrorKind.TimedOut or ProxyErrorKind.ServerFailed;

    public static string Describe(ProxyErrorKind kind, Exception? exception)
    {
        var reason = Innermost(exception);
        return kind switch
        {
            ProxyErrorKind.ConnectFailed => "connect failed: " + reason,
            ProxyErrorKind.TimedOut => "timed out: " + reason,
            ProxyErrorKind.ServerFailed => "server failed: " + reason,
            ProxyErrorKind.ClientAborted => "client aborted: " + reason,
            ProxyErrorKind.BadRequest => "bad request: " + reason,
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
