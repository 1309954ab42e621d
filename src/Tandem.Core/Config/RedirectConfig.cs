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
