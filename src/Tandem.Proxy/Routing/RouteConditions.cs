using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Core.Runtime;

namespace Tandem.Proxy.Routing;

/// <summary>
/// A route's conditions other than the host (which the route table indexes): path prefix on segment boundaries,
/// exact path, path pattern, methods, headers and query parameters, compiled once per config. Checking them
/// allocates nothing except a query condition, which parses the query string once per request. Immutable.
/// </summary>
internal sealed class RouteConditions
{
    private readonly string? _prefix;
    private readonly string? _exact;
    private readonly Regex? _pattern;
    private readonly string[]? _methods;
    private readonly ValueCondition[]? _headers;
    private readonly ValueCondition[]? _query;

    public RouteConditions(RouteMatch? match)
    {
        if (match is null)
        {
            return;
        }
        _prefix = match.PathPrefix is null or "/" ? null : match.PathPrefix;
        _exact = match.PathExact;
        _pattern = match.PathRegex is null ? null : new Regex(match.PathRegex, RouteTemplate.PatternOptions);
        _methods = match.Methods is null ? null : [.. match.Methods];
        _headers = Compile(match.Headers);
        _query = Compile(match.Query);
    }

    public bool Matches(HttpRequest request, string path) =>
        PrefixHolds(path) && ExactHolds(path) && PatternHolds(path) && (_methods is null || HasMethod(request.Method))
        && FailedHeader(request) is null && FailedQuery(request) is null;

    /// <summary>
    /// Adds to <paramref name="failed"/> each condition that does not hold for <paramref name="request"/>, with the same
    /// checks as <see cref="Matches"/> (for <c>/api/explain</c>, off the request path).
    /// </summary>
    public void Explain(HttpRequest request, string path, List<RouteConditionMiss> failed)
    {
        if (!PrefixHolds(path))
        {
            failed.Add(new("path", $"path '{path}' is not '{_prefix}' or under it"));
        }
        if (!ExactHolds(path))
        {
            failed.Add(new("path-exact", $"path '{path}' is not '{_exact}'"));
        }
        if (!PatternHolds(path))
        {
            failed.Add(new("path-regex", $"path '{path}' does not match '{_pattern}'"));
        }
        if (_methods is not null && !HasMethod(request.Method))
        {
            failed.Add(new("methods", $"method '{request.Method}' is not one of [{string.Join(", ", _methods)}]"));
        }
        if (FailedHeader(request) is { } header)
        {
            failed.Add(new("headers", header.Explain("header", request.Headers[header.Name])));
        }
        if (FailedQuery(request) is { } parameter)
        {
            failed.Add(new("query", parameter.Explain("query parameter", request.Query[parameter.Name])));
        }
    }

    private bool PrefixHolds(string path) => _prefix is null || HasPrefix(path, _prefix);

    private bool ExactHolds(string path) => _exact is null || string.Equals(path, _exact, StringComparison.Ordinal);

    private bool PatternHolds(string path) => _pattern is null || _pattern.IsMatch(path);

    /// <summary>The first header condition that does not hold; null when all do.</summary>
    private ValueCondition? FailedHeader(HttpRequest request)
    {
        if (_headers is not null)
        {
            foreach (var header in _headers)
            {
                if (!header.Matches(request.Headers[header.Name]))
                {
                    return header;
                }
            }
        }
        return null;
    }

    /// <summary>The first query condition that does not hold; null when all do (the query is parsed only when there are some).</summary>
    private ValueCondition? FailedQuery(HttpRequest request)
    {
        if (_query is not null)
        {
            foreach (var parameter in _query)
            {
                if (!parameter.Matches(request.Query[parameter.Name]))
                {
                    return parameter;
                }
            }
        }
        return null;
    }

    /// <summary><paramref name="prefix"/> (no trailing slash) followed by nothing or by a '/'.</summary>
    public static bool HasPrefix(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');

    private bool HasMethod(string method)
    {
        foreach (var allowed in _methods!)
        {
            if (string.Equals(method, allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static ValueCondition[]? Compile(IReadOnlyList<NamedValueMatch>? matches)
    {
        if (matches is null)
        {
            return null;
        }
        var conditions = new ValueCondition[matches.Count];
        for (var i = 0; i < conditions.Length; i++)
        {
            var m = matches[i];
            conditions[i] = new ValueCondition(m.Name, m.Exact, m.Regex is null ? null : new Regex(m.Regex, RouteTemplate.PatternOptions));
        }
        return conditions;
    }

    /// <summary>One of the values must equal <see cref="Exact"/> or match <see cref="Pattern"/>; with neither, the name must be present.</summary>
    private sealed record ValueCondition(string Name, string? Exact, Regex? Pattern)
    {
        public bool Matches(Microsoft.Extensions.Primitives.StringValues values)
        {
            if (values.Count == 0)
            {
                return false;
            }
            if (Exact is null && Pattern is null)
            {
                return true;
            }
            for (var i = 0; i < values.Count; i++)
            {
                var value = values[i] ?? "";
                if (Exact is not null ? string.Equals(value, Exact, StringComparison.Ordinal) : Pattern!.IsMatch(value))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Why <paramref name="values"/> (of a <paramref name="what"/>) do not meet the condition.</summary>
        public string Explain(string what, Microsoft.Extensions.Primitives.StringValues values) =>
            values.Count == 0 ? $"{what} '{Name}' is missing"
            : Exact is not null ? $"{what} '{Name}' is '{values}', not '{Exact}'"
            : $"{what} '{Name}' is '{values}', which does not match '{Pattern}'";
    }
}
