namespace Tandem.Proxy.Routing;

/// <summary>
/// A route's <c>host</c> condition: exact names and wildcard suffixes (<c>*.example.com</c> kept as
/// <c>.example.com</c>), compared ignoring case. Immutable.
/// </summary>
internal sealed class HostPatterns
{
    private readonly string[] _exact;
    private readonly string[] _suffixes;

    public HostPatterns(IReadOnlyList<string> patterns)
    {
        Patterns = patterns;
        var exact = new List<string>();
        var suffixes = new List<string>();
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                suffixes.Add(pattern[1..]);
            }
            else
            {
                exact.Add(pattern);
            }
        }
        _exact = [.. exact];
        _suffixes = [.. suffixes];
    }

    /// <summary>The patterns as written (for explanations).</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The exact names (lower-case): the route table indexes the route under each.</summary>
    public IReadOnlyList<string> Exact => _exact;

    public bool HasWildcards => _suffixes.Length > 0;

    public bool Matches(ReadOnlySpan<char> host)
    {
        foreach (var name in _exact)
        {
            if (host.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return MatchesWildcard(host);
    }

    public bool MatchesWildcard(ReadOnlySpan<char> host)
    {
        foreach (var suffix in _suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
