namespace Tandem.Core.Config;

/// <summary>The kinds of <c>scale-ahead.actions[]</c>.</summary>
public enum ScaleActionKind
{
    /// <summary><c>wake-backups</c>: put backup servers into rotation (with slow start) before the peak.</summary>
    WakeBackups,

    /// <summary><c>webhook: URL</c>: POST the prediction as JSON.</summary>
    Webhook,

    /// <summary><c>command: "..."</c>: run a program with the prediction as arguments and environment variables.</summary>
    Command,
}
