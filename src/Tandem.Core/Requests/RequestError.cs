namespace Tandem.Core.Requests;

/// <summary>Why a request failed, as the access log names it (<see cref="RequestErrors.Name"/>).</summary>
public enum RequestError : byte
{
    None,

    /// <summary>No connection to the server could be made.</summary>
    ConnectFailed,

    /// <summary>The server did not answer (or went silent) within the timeout.</summary>
    Timeout,

    /// <summary>The server broke the exchange: reset, closed early, bad response.</summary>
    ServerFailed,

    /// <summary>The client went away before the response was complete.</summary>
    ClientAborted,

    /// <summary>The incoming request could not be forwarded as it was.</summary>
    BadRequest,

    /// <summary>An upgraded connection (WebSocket) was closed for idleness.</summary>
    IdleClosed,

    /// <summary>The pool had no usable server.</summary>
    NoServer,

    /// <summary>Every usable server was full and the pool's queue was full too.</summary>
    QueueFull,

    /// <summary>Every usable server was full and no room came within the queue timeout.</summary>
    QueueTimeout,
}

public static class RequestErrors
{
    private static readonly string[] Names =
        ["", "connect-failed", "timeout", "server-failed", "client-aborted", "bad-request", "idle-closed", "no-server", "queue-full", "queue-timeout"];

    /// <summary>The kebab-case name written to the access log and used as the <c>reason</c> label; "" for none.</summary>
    public static string Name(RequestError error) => Names[(int)error];
}
