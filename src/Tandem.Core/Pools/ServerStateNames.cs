namespace Tandem.Core.Pools;

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
