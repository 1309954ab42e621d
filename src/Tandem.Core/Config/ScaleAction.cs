namespace Tandem.Core.Config;

/// <summary>One scale-ahead action.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="Target">The webhook URL or the command line; null for <c>wake-backups</c>.</param>
/// <param name="Timeout">Key <c>timeout</c> of a webhook or command: its run time is bounded by this; default 10 s.</param>
public sealed record ScaleAction(ScaleActionKind Kind, string? Target = null, TimeSpan? Timeout = null);
