namespace Tandem.Core.Config;

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
