using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Why a forwarded request failed, as retry and health logic need to know it (never from message text). Each kind
/// has one <see cref="Fault"/>: only <see cref="Fault.Server"/> counts against a server, is retried or ejects.
/// </summary>
internal enum ProxyErrorKind
{
    None,

    /// <summary>No connection to the server could be made; nothing was sent.</summary>
    ConnectFailed,

    /// <summary>The server did not answer (or went silent) within the timeout.</summary>
    TimedOut,

    /// <summary>The server broke the exchange: reset, closed early, bad response.</summary>
    ServerFailed,

    /// <summary>The client went away or stopped mid-body.</summary>
    ClientAborted,

    /// <summary>The request cannot be forwarded as received (a bad Host, an unwritable header, a garbled body): 400.</summary>
    BadRequest,

    /// <summary>The request body is larger than the listener's <c>max-body</c>: 413.</summary>
    BodyTooLarge,

    /// <summary>An upgraded connection (WebSocket) was closed for idleness; normal.</summary>
    IdleClosed,

    /// <summary>Tandem failed in a way no input should cause (a bug): 500, logged as an error.</summary>
    ProxyFailed,
}

/// <summary>Who caused a failure.</summary>
internal enum Fault
{
    None,
    Client,
    Tandem,
    Server,
}

internal static class ProxyErrors
{
    /// <summary>
    /// The kind of a YARP error. A failure before the response is the server's only with evidence that it was: no
    /// connection, a timeout, a transport error or a bad response. Anything else there happened while Tandem built or
    /// wrote the request from what the client sent, so it is the client's request that cannot be forwarded (400).
    /// </summary>
    public static ProxyErrorKind Classify(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.None => ProxyErrorKind.None,
        ForwarderError.Request => ClassifyRequestFailure(exception),
        ForwarderError.RequestTimedOut => ProxyErrorKind.TimedOut,
        ForwarderError.RequestCreation => IsProgrammingError(exception) ? ProxyErrorKind.ProxyFailed : ProxyErrorKind.BadRequest,
        ForwarderError.RequestBodyClient => ClientBodyFailure(exception),
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => ProxyErrorKind.ClientAborted,
        ForwarderError.UpgradeActivityTimeout => ProxyErrorKind.IdleClosed,
        _ => ProxyErrorKind.ServerFailed,
    };

    public static Fault FaultOf(ProxyErrorKind kind) => kind switch
    {
        ProxyErrorKind.None or ProxyErrorKind.IdleClosed => Fault.None,
        ProxyErrorKind.ClientAborted or ProxyErrorKind.BadRequest or ProxyErrorKind.BodyTooLarge => Fault.Client,
        ProxyErrorKind.ProxyFailed => Fault.Tandem,
        _ => Fault.Server,
    };

    /// <summary>Whether the server is to blame (counts as a failure of the server).</summary>
    public static bool IsServerFault(ProxyErrorKind kind) => FaultOf(kind) == Fault.Server;

    /// <summary>
    /// The status the client gets (or, when it left, the one recorded: 499 as nginx logs it). A client fault never
    /// records a 5xx, so it cannot count toward a server's error metrics or <c>count-5xx</c> ejection.
    /// </summary>
    public static int StatusFor(ProxyErrorKind kind) => kind switch
    {
        ProxyErrorKind.TimedOut => StatusCodes.Status504GatewayTimeout,
        ProxyErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ProxyErrorKind.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
        ProxyErrorKind.ClientAborted or ProxyErrorKind.IdleClosed => 499,
        ProxyErrorKind.ProxyFailed => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status502BadGateway,
    };

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
            ProxyErrorKind.BodyTooLarge => "body too large: " + reason,
            ProxyErrorKind.ProxyFailed => "proxy failed: " + reason,
            _ => reason,
        };
    }

    /// <summary>Whether the failure happened before any response arrived, so a retry sends no duplicate answer.</summary>
    public static bool BeforeResponse(ForwarderError error) => error is ForwarderError.Request or ForwarderError.RequestTimedOut;

    private static ProxyErrorKind ClassifyRequestFailure(Exception? exception)
    {
        if (FindClientBodyError(exception) is { } bodyError)
        {
            return bodyError;
        }
        if (IsConnectFailure(exception))
        {
            return ProxyErrorKind.ConnectFailed;
        }
        if (Find<TimeoutException>(exception) is not null)
        {
            return ProxyErrorKind.TimedOut;
        }
        if (IsServerEvidence(exception))
        {
            return ProxyErrorKind.ServerFailed;
        }
        return IsProgrammingError(exception) ? ProxyErrorKind.ProxyFailed : ProxyErrorKind.BadRequest;
    }

    /// <summary>The client's body failed: too large (413), malformed (400, e.g. a bad chunk size) or cut short.</summary>
    private static ProxyErrorKind ClientBodyFailure(Exception? exception) => FindClientBodyError(exception) ?? ProxyErrorKind.ClientAborted;

    private static ProxyErrorKind? FindClientBodyError(Exception? exception) => Find<BadHttpRequestException>(exception) switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => ProxyErrorKind.BodyTooLarge,
        not null => ProxyErrorKind.BadRequest,
        null => null,
    };

    /// <summary>The server (or the way to it) did something: a transport error, a protocol error or a bad response.</summary>
    private static bool IsServerEvidence(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown }:
                case IOException:
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>An exception no input explains: a bug in Tandem (or a library), not the client's request.</summary>
    private static bool IsProgrammingError(Exception? exception) =>
        exception is NullReferenceException or InvalidCastException or IndexOutOfRangeException or ObjectDisposedException
            or NotImplementedException or OutOfMemoryException;

    private static bool IsConnectFailure(Exception? exception) =>
        Find<HttpRequestException>(exception) is { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
        || Find<SocketException>(exception)?.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.TryAgain;

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
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
