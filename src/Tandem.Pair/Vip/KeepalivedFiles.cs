using System.Globalization;

namespace Tandem.Pair.Vip;

/// <summary>
/// The files of one node's keepalived, all inside the node's runtime dir so that two Tandems on one host (in separate
/// network namespaces) never share one.
/// </summary>
internal sealed record KeepalivedFiles(string Dir)
{
    /// <summary>The runtime dir when <c>pair.runtime-dir</c> is absent: <c>/run/tandem/NODE</c>.</summary>
    public static string DefaultDir(string node) => Path.Combine("/run/tandem", node);

    public string Config => Path.Combine(Dir, "keepalived.conf");

    public string Pid => Path.Combine(Dir, "keepalived.pid");

    public string VrrpPid => Path.Combine(Dir, "vrrp.pid");

    /// <summary>The track file: Tandem's priority adjustment (<see cref="TrackValue"/>), read by keepalived on change.</summary>
    public string Health => Path.Combine(Dir, "health");

    /// <summary>Tandem's heartbeat: unix milliseconds, rewritten several times per advert interval.</summary>
    public string Heartbeat => Path.Combine(Dir, "heartbeat");

    public string AliveScript => Path.Combine(Dir, "alive-check.sh");

    public string NotifyScript => Path.Combine(Dir, "notify.sh");

    /// <summary>The state keepalived last reported for an instance (<c>MASTER 150</c>), written by the notify script.</summary>
    public string Role(string instance) => Path.Combine(Dir, "role-" + instance);

    public static string InstanceName(int routerId) => "tandem_vip_" + routerId.ToString(CultureInfo.InvariantCulture);
}
