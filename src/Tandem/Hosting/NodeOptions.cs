using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Tandem.Core.Config;

namespace Tandem.Hosting;

/// <summary>How a <see cref="TandemNode"/> runs: clock, logging, signals. Tests turn signals off and lower the poll interval.</summary>
internal sealed record NodeOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Whether SIGINT/SIGTERM stop the node (true for the CLI; false for nodes started inside tests).</summary>
    public bool HandleSignals { get; init; } = true;

    /// <summary>
    /// The longest the startup warm-up may take (see <c>JitWarmup</c>); null skips it. On for <c>tandem run</c>, so a
    /// node is at full speed from its first request; off for the demo and for nodes inside tests.
    /// </summary>
    public TimeSpan? WarmupBudget { get; init; }

    /// <summary>
    /// The unix socket where a new process with the same config takes over this node's listening sockets (and where
    /// this node first looks for a running one to take them from); null: no handover (the demo, nodes inside tests).
    /// </summary>
    public string? ControlSocket { get; init; }

    /// <summary>
    /// Builds the HTTP cache's shared tier from the config's <c>cache</c> when it names <c>redis</c>; null (the default):
    /// the Redis tier (<c>RedisCacheTier</c>); a factory that returns null: the cache keeps to memory.
    /// </summary>
    public Func<CacheConfig, Tandem.Proxy.Caching.ISharedCacheTier?>? SharedCacheTier { get; init; }

    /// <summary>How often the config file is checked for changes.</summary>
    public TimeSpan ReloadPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The level of every category nothing else names (the config's <c>logging.level</c> overrides it).</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>Further logging setup, run after the defaults (tests add a capturing provider); none by default.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>
    /// Diagnostic lines go to stderr (stdout stays for what a command prints), one per event, as text or JSON
    /// (<c>logging.format</c>). Which lines are written is decided by the returned <see cref="LogLevels"/> alone, so the
    /// config and <c>Logging__LogLevel__*</c> environment variables both work and a reload can change it.
    /// </summary>
    public LogLevels ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration, LoggingConfig? config)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var levels = new LogLevels(configuration, MinimumLevel);
        levels.Apply(config);
        logging.SetMinimumLevel(LogLevel.Trace);
        // Registered after the host's own rules: for a category no environment variable names, this rule is the one
        // .NET selects, and it defers to LogLevels (which has read those variables too).
        logging.AddFilter(levels.IsEnabled);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (config?.Format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        }
        Logging?.Invoke(logging);
        return levels;
    }
}
