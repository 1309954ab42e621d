namespace Tandem.Core.Config;

/// <summary>
/// YAML <c>logging</c>: how much the node writes to stderr and in which shape. <c>Logging__LogLevel__*</c> environment
/// variables override the levels given here (as in any .NET host). Levels are applied again on reload; the format is
/// read at start.
/// </summary>
public sealed record LoggingConfig
{
    /// <summary>Key <c>level</c>: the least severe level written for every category; default <c>info</c>.</summary>
    public LogSeverity? Level { get; init; }

    /// <summary>Key <c>format</c>: <c>text</c> (default, one line per event) or <c>json</c> (one JSON object per line).</summary>
    public LogFormat Format { get; init; } = LogFormat.Text;

    /// <summary>
    /// Key <c>levels</c>: a level per category prefix (<c>Tandem.Proxy: debug</c>, <c>Microsoft.AspNetCore: warning</c>);
    /// the longest matching prefix wins.
    /// </summary>
    public IReadOnlyDictionary<string, LogSeverity> Levels { get; init; } = new Dictionary<string, LogSeverity>();
}
