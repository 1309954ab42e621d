using Tandem.Core.Runtime;

namespace Tandem.Pair.Vip;

/// <summary>
/// This node's VRRP role for the first VIP, as keepalived last reported it. The pair service combines it with what the
/// pair channel knows into <see cref="PairHealth"/>: subscribe to <see cref="Changed"/> and copy <see cref="Role"/> into
/// the snapshot's Role (and VipHolder: this node when Master).
/// Concurrency: written by the VIP service's timer only; <see cref="Role"/> is read lock-free.
/// </summary>
public sealed class VrrpState(string node, TimeProvider time)
{
    private volatile int _role = (int)PairRole.Syncing;

    /// <summary>Syncing until keepalived first reports; then Master, Backup or Fault.</summary>
    public PairRole Role => (PairRole)_role;

    /// <summary>Raised on the writer's thread with BecameMaster, BecameBackup or Fault when the role changes.</summary>
    public event Action<PairEvent>? Changed;

    /// <summary>Records a reported role; raises <see cref="Changed"/> when it differs from the last one.</summary>
    /// <returns>True when the role changed.</returns>
    internal bool Report(PairRole role, string detail)
    {
        if (Role == role)
        {
            return false;
        }
        _role = (int)role;
        var kind = role switch
        {
            PairRole.Master => PairEventKind.BecameMaster,
            PairRole.Backup => PairEventKind.BecameBackup,
            _ => PairEventKind.Fault,
        };
        Changed?.Invoke(new PairEvent(time.GetUtcNow(), kind, node, null, detail));
        return true;
    }
}
