using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;
using Tandem.Proxy.Routing;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// A route's path rewrite, in the order strip-prefix, regex replacement, add-prefix, on the decoded path; the query
/// is kept. Immutable.
/// </summary>
internal sealed class PathRewrite(RewriteConfig config)
{
    private readonly string? _strip = string.IsNullOrEmpty(config.StripPrefix) ? null : config.StripPrefix;
    private readonly string? _add = string.IsNullOrEmpty(config.AddPrefix) ? null : config.AddPrefix;
    private readonly Regex? _pattern = config.PathRegex is null ? null : new Regex(config.PathRegex, RouteTemplate.PatternOptions);
    private readonly string _replacement = config.Replacement ?? "";

    public bool ChangesPath => _strip is not null || _add is not null || _pattern is not null;

    public PathString Apply(PathString path)
    {
        var value = path.Value ?? "/";
        if (_strip is not null && RouteConditions.HasPrefix(value, _strip))
        {
            value = value.Length == _strip.Length ? "/" : value[_strip.Length..];
        }
        if (_pattern is not null)
        {
            value = _pattern.Replace(value, _replacement, 1);
            if (!value.StartsWith('/'))
            {
                value = "/" + value;
            }
        }
        if (_add is not null)
        {
            value = value == "/" ? _add : _add + value;
        }
        return new PathString(value);
    }
}
