using Tandem.Core.Runtime;

namespace Tandem.Pair.Heartbeat;

/// <summary>The role names heartbeats carry on the wire.</summary>
internal static class PairRoleNames
{
    public static string Of(PairRole role) => role switch
    {
        PairRole.Standalone => "standalone",
        PairRole.Syncing => "syncing",
        PairRole.Master => "master",
        PairRole.Backup => "backup",
        _ => "fault",
    };

    /// <summary>The role a name stands for; null for a name this build does not know.</summary>
    public static PairRole? Parse(string? role) => role switch
    {
        "syncing" => PairRole.Syncing,
        "master" => PairRole.Master,
        "backup" => PairRole.Backup,
        "fault" => PairRole.Fault,
        "standalone" => PairRole.Standalone,
        _ => null,
    };
}
