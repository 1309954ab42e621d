using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Requests;
using Yarp.ReverseProxy.Forwarder;

namespace Tandem.Proxy.Forwarding;

/// <summary>Who caused a failure.</summary>
internal enum Fault
{
    None,
    Client,
    Tandem,
    Server,
}

/// <summary>
/// Classifies what YARP reports into a <see cref="RequestError"/>, the kind retry and health logic branch on (never
/// message text), says whose fault it was (only <see cref="Fault.Server"/> counts against a server, is retried or
/// ejects) and describes it for the log.
/// </summary>
internal static class ProxyErrors
{
    /// <summary>
    /// The kind of a YARP error. A failure before the response is the server's only with evidence that it was: no
    /// connection, a timeout, a transport error or a bad response. Anything else there happened while Tandem built or
    /// wrote the request from what the client sent, so it is the client's request that cannot be forwarded (400).
    /// </summary>
    public static RequestError Classify(ForwarderError error, Exception? exception) => error switch
    {
        ForwarderError.None => RequestError.None,
        ForwarderError.Request => ClassifyRequestFailure(exception),
        ForwarderError.RequestTimedOut => RequestError.TimedOut,
        ForwarderError.RequestCreation => IsProgrammingError(exception) ? RequestError.ProxyFailed : RequestError.BadRequest,
        ForwarderError.RequestBodyClient => ClientBodyFailure(exception),
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
            or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
            or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
            or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient => RequestError.ClientAborted,
        ForwarderError.UpgradeActivityTimeout => RequestError.IdleClosed,
        _ => RequestError.ServerFailed,
    };

    public static Fault FaultOf(RequestError kind) => kind switch
    {
        RequestError.None or RequestError.IdleClosed => Fault.None,
        RequestError.ClientAborted or RequestError.BadRequest or RequestError.BodyTooLarge or RequestError.PolicyDenied or RequestError.RateLimited => Fault.Client,
        RequestError.ProxyFailed => Fault.Tandem,
        _ => Fault.Server,
    };

    /// <summary>Whether the server is to blame (counts as a failure of the server).</summary>
    public static bool IsServerFault(RequestError kind) => FaultOf(kind) == Fault.Server;

    /// <summary>
    /// The status the client gets (or, when it left, the one recorded: 499 as nginx logs it). A client fault never
    /// records a 5xx, so it cannot count toward a server's error metrics or <c>count-5xx</c> ejection.
    /// </summary>
    public static int StatusFor(RequestError kind) => kind switch
    {
        RequestError.TimedOut => StatusCodes.Status504GatewayTimeout,
        RequestError.BadRequest => StatusCodes.Status400BadRequest,
        RequestError.BodyTooLarge => StatusCodes.Status413PayloadTooLarge,
        RequestError.ClientAborted or RequestError.IdleClosed => 499,
        RequestError.ProxyFailed => StatusCodes.Status500InternalServerError,
        RequestError.PolicyDenied => StatusCodes.Status403Forbidden,
        RequestError.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status502BadGateway,
    };

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
            RequestError.BodyTooLarge => "body too large: " + reason,
            RequestError.ProxyFailed => "proxy failed: " + reason,
            _ => reason,
        };
    }

    /// <summary>Whether the failure happened before any response arrived, so a retry sends no duplicate answer.</summary>
    public static bool BeforeResponse(ForwarderError error) => error is ForwarderError.Request or ForwarderError.RequestTimedOut;

    private static RequestError ClassifyRequestFailure(Exception? exception)
    {
        if (FindClientBodyError(exception) is { } bodyError)
        {
            return bodyError;
        }
        if (IsConnectFailure(exception))
        {
            return RequestError.ConnectFailed;
        }
        if (Find<TimeoutException>(exception) is not null)
        {
            return RequestError.TimedOut;
        }
        if (IsServerEvidence(exception))
        {
            return RequestError.ServerFailed;
        }
        return IsProgrammingError(exception) ? RequestError.ProxyFailed : RequestError.BadRequest;
    }

    /// <summary>The client's body failed: too large (413), malformed (400, e.g. a bad chunk size) or cut short.</summary>
    private static RequestError ClientBodyFailure(Exception? exception) => FindClientBodyError(exception) ?? RequestError.ClientAborted;

    private static RequestError? FindClientBodyError(Exception? exception) => Find<BadHttpRequestException>(exception) switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestError.BodyTooLarge,
        not null => RequestError.BadRequest,
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
