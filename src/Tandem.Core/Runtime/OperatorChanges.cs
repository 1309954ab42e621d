using Tandem.Core.Pools;

namespace Tandem.Core.Runtime;

/// <summary>A server change an operator made through the admin API: the weight (null: back to the file's), the state, or both.</summary>
public sealed record OperatorChange(string Pool, string Server, bool HasWeight, int? Weight, AdminState? State);

/// <summary>
/// Where the admin API reports operator changes after applying them, so the pair can replicate them. Changes applied
/// from the peer go straight to <see cref="PoolState"/> and are not reported here, so they never loop back.
/// Concurrency: <see cref="Made"/> is raised on the admin request's thread; handlers must return quickly.
/// </summary>
public sealed class OperatorChanges
{
    public event Action<OperatorChange>? Made;

    public void Report(OperatorChange change) => Made?.Invoke(change);
}
