namespace Tandem.Core.Config;

/// <summary>
/// A route's <c>redirect</c>: Tandem answers <see cref="Status"/> with a Location built from <see cref="To"/>, whose
/// placeholders are <c>{scheme}</c>, <c>{host}</c> (without port), <c>{path}</c>, <c>{query}</c> (with its <c>?</c>,
/// or empty) and <c>{uri}</c> (path and query).
/// </summary>
public sealed record RedirectConfig
{
    /// <summary>Key <c>to</c>, required: the target, e.g. <c>https://{host}{uri}</c>.</summary>
    public required string To { get; init; }

    /// <summary>Key <c>status</c>: 301, 302 (default), 303, 307 or 308.</summary>
    public int Status { get; init; } = 302;
}

/// <summary>A route's <c>respond</c>: Tandem answers a fixed response.</summary>
public sealed record RespondConfig
{
    /// <summary>Key <c>status</c>: 200..599; default 200.</summary>
    public int Status { get; init; } = 200;

    /// <summary>Key <c>body</c>, or the content of the file named by <c>body-file</c> (read when the config is loaded); empty when neither.</summary>
    public string Body { get; init; } = "";

    /// <summary>Key <c>body-file</c>: where <see cref="Body"/> came from, if from a file.</summary>
    public string? BodyFile { get; init; }

    /// <summary>Key <c>content-type</c>: default <c>text/plain; charset=utf-8</c>.</summary>
    public string? ContentType { get; init; }
}

/// <summary>
/// A route's <c>rewrite</c>, applied in this order: <see cref="StripPrefix"/>, the regex replacement, then
/// <see cref="AddPrefix"/>; the query is kept. <see cref="Host"/> replaces the Host header sent on.
/// </summary>
public sealed record RewriteConfig
{
    /// <summary>Key <c>strip-prefix</c>: removed from the path when the path starts with it on a segment boundary.</summary>
    public string? StripPrefix { get; init; }

    /// <summary>Key <c>add-prefix</c>: put in front of the path.</summary>
    public string? AddPrefix { get; init; }

    /// <summary>Key <c>path-regex</c>: a .NET regular expression; its first match in the path is replaced by <see cref="Replacement"/>.</summary>
    public string? PathRegex { get; init; }

    /// <summary>Key <c>replace</c>: the replacement for <see cref="PathRegex"/> (<c>$1</c> refers to a group).</summary>
    public string? Replacement { get; init; }

    /// <summary>Key <c>host</c>: the Host header sent to the server instead of the client's.</summary>
    public string? Host { get; init; }
}

/// <summary>
/// A route's <c>request-headers</c> or <c>response-headers</c>: applied in the order remove, set, add. Values may
/// hold <c>{client.ip}</c>, <c>{host}</c>, <c>{scheme}</c>, <c>{request.id}</c> and <c>{server.name}</c>.
/// </summary>
public sealed record HeaderActions
{
    /// <summary>Key <c>set</c>: name to value; replaces whatever the header had (a client-sent value included).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Set { get; init; } = [];

    /// <summary>Key <c>add</c>: name to value; appended to the values the header has.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Add { get; init; } = [];

    /// <summary>Key <c>remove</c>: header names removed.</summary>
    public IReadOnlyList<string> Remove { get; init; } = [];
}
