using System.Threading.Channels;

namespace Tandem.Pair.Replication;

/// <summary>
/// Wakes a replicator's loop. Wake-ups that arrive while the loop is busy collapse into one, so a burst of changes costs
/// one more round, not one per change.
/// Concurrency: <see cref="Set"/> from any thread; <see cref="WaitAsync"/> from the one loop.
/// </summary>
internal sealed class Wakeup
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Set() => _signal.Writer.TryWrite(true);

    /// <summary>Returns once <see cref="Set"/> was called since the last wake-up.</summary>
    /// <exception cref="OperationCanceledException">Stopping.</exception>
    public async Task WaitAsync(CancellationToken cancellationToken) => await _signal.Reader.ReadAsync(cancellationToken);
}
