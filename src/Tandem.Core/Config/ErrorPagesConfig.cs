namespace Tandem.Core.Config;

/// <summary>
/// A route's <c>errors</c>: <c>{502: /etc/tandem/502.html, 503: ..., intercept: true}</c>. Each page is read when the
/// config loads (at most 64 KB) and served as <c>text/html</c> when Tandem itself answers the route's request with that
/// status (a server failed, none is up, a timeout, a refused body); with <see cref="Intercept"/> also when the server
/// answers with it, in place of the server's body.
/// </summary>
public sealed record ErrorPagesConfig
{
    /// <summary>The pages by status (400..599), in the order written.</summary>
    public required IReadOnlyList<ErrorPage> Pages { get; init; }

    /// <summary>Key <c>intercept</c>: also replace the server's answers with these statuses; default false.</summary>
    public bool Intercept { get; init; }
}
