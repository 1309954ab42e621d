using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Hosting;

/// <summary>
/// Which log lines are written, decided as .NET decides between its filter rules (the longest matching category
/// prefix wins; on a tie the later source), over three sources in this order: Tandem's defaults, the config's
/// <c>logging</c> section, and the <c>Logging__LogLevel__*</c> environment variables (or any other <c>Logging:LogLevel</c>
/// configuration), so the environment overrides the file. The answer per category is cached; a reload swaps the
/// whole snapshot. Concurrency: <see cref="IsEnabled"/> from any thread; <see cref="Apply"/> from the reload path.
/// </summary>
internal sealed class LogLevels
{
    /// <summary>
    /// The framework's per-request and lifetime chatter is noise for a proxy, and YARP's forwarder writes a warning
    /// with a stack trace for every failed request that Tandem already reports in one typed, throttled line
    /// (<c>Logging__LogLevel__Yarp=Information</c> brings YARP's lines back).
    /// </summary>
    private static readonly (string Prefix, LogLevel Level)[] Defaults =
    [
        ("Microsoft", LogLevel.Warning),
        ("Yarp", LogLevel.Warning),
        ("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.None),
        // "Hosting failed to start" with a stack trace, just before Tandem's own one-line reason (a port in use).
        ("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical),
    ];

    private readonly LogLevel _minimum;
    private readonly List<(string? Prefix, LogLevel Level)> _environment = [];
    private volatile Snapshot _current;

    /// <param name="configuration">Where <c>Logging:LogLevel:*</c> comes from (environment variables).</param>
    /// <param name="minimum">The level for every category that nothing else names.</param>
    public LogLevels(IConfiguration configuration, LogLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _minimum = minimum;
        foreach (var entry in configuration.GetSection("Logging:LogLevel").GetChildren())
        {
            if (Enum.TryParse<LogLevel>(entry.Value, ignoreCase: true, out var level))
            {
                _environment.Add((string.Equals(entry.Key, "Default", StringComparison.OrdinalIgnoreCase) ? null : entry.Key, level));
            }
        }
        _current = Build(null);
    }

    /// <summary>Puts a (re)loaded <c>logging</c> section in force.</summary>
    public void Apply(LoggingConfig? config) => _current = Build(config);

    public bool IsEnabled(string? category, LogLevel level) => level != LogLevel.None && level >= _current.For(category ?? "");

    private Snapshot Build(LoggingConfig? config)
    {
        var rules = new List<(string? Prefix, LogLevel Level)> { (null, _minimum) };
        foreach (var (prefix, level) in Defaults)
        {
            rules.Add((prefix, level));
        }
        if (config?.Level is { } configured)
        {
            rules.Add((null, ToLogLevel(configured)));
        }
        foreach (var (prefix, severity) in config?.Levels ?? new Dictionary<string, LogSeverity>())
        {
            rules.Add((prefix, ToLogLevel(severity)));
        }
        rules.AddRange(_environment);
        return new Snapshot(rules);
    }

    public static LogLevel ToLogLevel(LogSeverity severity) => severity switch
    {
        LogSeverity.Trace => LogLevel.Trace,
        LogSeverity.Debug => LogLevel.Debug,
        LogSeverity.Info => LogLevel.Information,
        LogSeverity.Warning => LogLevel.Warning,
        LogSeverity.Error => LogLevel.Error,
        LogSeverity.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };

    private sealed class Snapshot(List<(string? Prefix, LogLevel Level)> rules)
    {
        private readonly ConcurrentDictionary<string, LogLevel> _byCategory = new(StringComparer.Ordinal);

        /// <remarks>
        /// Asked on every log call site's level check, several times a request (Kestrel's, YARP's): a lookup first, as
        /// <c>GetOrAdd(category, Resolve)</c> alone would make a new delegate of <c>Resolve</c> every time.
        /// </remarks>
        public LogLevel For(string category) => _byCategory.TryGetValue(category, out var level) ? level : _byCategory.GetOrAdd(category, Resolve);

        private LogLevel Resolve(string category)
        {
            var best = -1;
            var level = LogLevel.Information;
            foreach (var (prefix, ruleLevel) in rules)
            {
                var length = prefix?.Length ?? 0;
                if (length >= best && (prefix is null || category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                {
                    best = length;
                    level = ruleLevel;
                }
            }
            return level;
        }
    }
}
