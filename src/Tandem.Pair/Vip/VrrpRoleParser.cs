using Tandem.Core.Runtime;

namespace Tandem.Pair.Vip;

/// <summary>Reads what the notify script wrote (<c>MASTER 150</c>, <c>BACKUP 1</c>, <c>FAULT 0</c>, <c>STOP 0</c>).</summary>
internal static class VrrpRoleParser
{
    /// <returns>The role, or null for text that is empty or not a keepalived state.</returns>
    public static PairRole? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var trimmed = text.AsSpan().Trim();
        var space = trimmed.IndexOf(' ');
        var state = space < 0 ? trimmed : trimmed[..space];
        return state switch
        {
            "MASTER" => PairRole.Master,
            "BACKUP" => PairRole.Backup,
            // STOP: keepalived is shutting down this instance; it cannot take the VIP either.
            "FAULT" or "STOP" => PairRole.Fault,
            _ => null,
        };
    }
}
