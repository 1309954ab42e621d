using Microsoft.Extensions.Logging;

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

    /// <summary>How often the config file is checked for changes.</summary>
    public TimeSpan ReloadPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>Further logging setup, run after the defaults (tests add a capturing provider); none by default.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    public void ConfigureLogging(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.SetMinimumLevel(MinimumLevel);
        // The framework's own request and lifetime chatter is noise for a proxy; our lines say what happened.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Yarp", LogLevel.Warning);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        Logging?.Invoke(logging);
    }
}
