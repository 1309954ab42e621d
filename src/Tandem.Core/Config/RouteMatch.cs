namespace Tandem.Core.Config;

/// <summary>
/// The conditions of a route (YAML <c>routes[].match</c>); every one given must hold. An empty match holds for every
/// request.
/// </summary>
public sealed record RouteMatch
{
    /// <summary>
    /// Key <c>host</c>: one name or a list, exact (<c>api.example.com</c>) or a wildcard for any subdomain
    /// (<c>*.example.com</c>, which does not match <c>example.com</c> itself). Compared ignoring case, port and a
    /// trailing dot. Stored lower-case, without a trailing dot.
    /// </summary>
    public IReadOnlyList<string>? Hosts { get; init; }

    /// <summary>
    /// Key <c>path</c>: a prefix on segment boundaries: <c>/api</c> (or <c>/api/</c>) matches <c>/api</c>, <c>/api/</c>
    /// and <c>/api/v1</c>, not <c>/apix</c>. Case-sensitive. Stored without a trailing slash (except <c>/</c>).
    /// </summary>
    public string? PathPrefix { get; init; }

    /// <summary>Key <c>path-exact</c>: the whole path, case-sensitive.</summary>
    public string? PathExact { get; init; }

    /// <summary>Key <c>path-regex</c>: a .NET regular expression (non-backtracking) that must match somewhere in the path; anchor it with <c>^</c>/<c>$</c>.</summary>
    public string? PathRegex { get; init; }

    /// <summary>Key <c>methods</c>: the request methods accepted (upper-case).</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Key <c>headers</c>: header name to the value one of its values must have (or match).</summary>
    public IReadOnlyList<NamedValueMatch>? Headers { get; init; }

    /// <summary>Key <c>query</c>: query parameter name to the value it must have (or match).</summary>
    public IReadOnlyList<NamedValueMatch>? Query { get; init; }
}
