namespace Tandem.Core.Pools;

/// <summary>What an operator has set for a server through the admin API (or a synced peer).</summary>
public enum AdminState
{
    /// <summary>Takes traffic when healthy.</summary>
    Enabled,

    /// <summary>Takes no new requests; requests already in flight finish.</summary>
    Draining,

    /// <summary>Out of rotation.</summary>
    Disabled,
}

/// <summary>What health checking has concluded about a server.</summary>
public enum HealthStatus
{
    Up,
    Down,
}

/// <summary>The state shown to users (<c>up</c>, <c>down</c>, <c>draining</c>, <c>disabled</c>), derived from admin and health state.</summary>
public static class ServerStateNames
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Draining = "draining";
    public const string Disabled = "disabled";

    public static string For(AdminState admin, HealthStatus health) => admin switch
    {
        AdminState.Disabled => Disabled,
        AdminState.Draining => Draining,
        _ => health == HealthStatus.Up ? Up : Down,
    };

    /// <summary>Parses the state names an operator may set: <c>up</c> (or <c>enabled</c>), <c>draining</c>, <c>disabled</c>.</summary>
    public static bool TryParseAdmin(string? text, out AdminState state)
    {
        switch (text)
        {
            case Up or "enabled":
                state = AdminState.Enabled;
                return true;
            case Draining:
                state = AdminState.Draining;
                return true;
            case Disabled:
                state = AdminState.Disabled;
                return true;
            default:
                state = default;
                return false;
        }
    }
}

/// <summary>A change of a server's usability: what it became, why, and when (UTC).</summary>
/// <param name="Usable">Whether the server takes new requests now.</param>
/// <param name="State">The state name after the change (<see cref="ServerStateNames"/>).</param>
/// <param name="Reason">Why, in words: "3 probes failed: connection refused", "ejected for 10 s after 5 failures in a row".</param>
/// <param name="At">When.</param>
public sealed record HealthChange(bool Usable, string State, string Reason, DateTimeOffset At);

/// <summary>One active probe's outcome.</summary>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was seen: "200 in 3 ms", "connection refused", "timed out after 1000 ms".</param>
/// <param name="At">When (UTC).</param>
public sealed record ProbeResult(bool Passed, string Detail, DateTimeOffset At);
