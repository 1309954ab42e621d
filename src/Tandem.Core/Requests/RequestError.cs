namespace Tandem.Core.Requests;

/// <summary>
/// Why a request (or one attempt of it) failed, as retry and health logic branch on it (never on message text) and as
/// the access log and the <c>reason</c> label name it (<see cref="RequestErrors.Name"/>).
/// </summary>
public enum RequestError : byte
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

    /// <summary>The incoming request could not be forwarded as it was.</summary>
    BadRequest,

    /// <summary>An upgraded connection (WebSocket) was closed for idleness; normal.</summary>
    IdleClosed,

    /// <summary>The pool had no usable server.</summary>
    NoServer,

    /// <summary>Every usable server was full and the pool's queue was full too.</summary>
    QueueFull,

    /// <summary>Every usable server was full and no room came within the queue timeout.</summary>
    QueueTimeout,

    /// <summary>The request body was larger than the listener's <c>max-body</c> (413).</summary>
    BodyTooLarge,

    /// <summary>Tandem itself failed (a bug); the server was not at fault (500).</summary>
    ProxyFailed,

    /// <summary>An access policy refused the request (401 or 403); the access log says which policy and why.</summary>
    PolicyDenied,

    /// <summary>A policy's rate limit refused the request (429 with <c>Retry-After</c>).</summary>
    RateLimited,
}

public static class RequestErrors
{
    private static readonly string[] Names =
        ["", "connect-failed", "timeout", "server-failed", "client-aborted", "bad-request", "idle-closed", "no-server", "queue-full", "queue-timeout",
         "body-too-large", "proxy-failed", "policy-denied", "rate-limited"];

    /// <summary>The kebab-case name written to the access log and used as the <c>reason</c> label; "" for none.</summary>
    public static string Name(RequestError error) => Names[(int)error];
}
