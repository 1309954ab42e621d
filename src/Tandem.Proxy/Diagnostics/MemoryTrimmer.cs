using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Diagnostics;

/// <summary>
/// Gives memory back after a burst (a slow-client attack, a large upload). The GC only runs when something allocates,
/// so a process that goes quiet after a burst keeps the garbage of the burst, and the buffers Kestrel's pool evicted,
/// committed: RSS stayed at its peak. When a check finds the process quiet (little allocated since the last check)
/// and either the GC's committed memory well above what the last collection left live or the working set well above
/// its lowest after a trim, one aggressive, compacting collection decommits the difference. It runs again only after a further burst, never while busy.
/// Concurrency: one timer callback at a time.
/// </summary>
internal sealed class MemoryTrimmer : IDisposable
{
    private const long QuietBytes = 4L << 20;
    private const long SlackBytes = 16L << 20;

    private readonly ITimer _timer;
    private readonly ILogger _logger;
    private long _allocatedAtLastCheck = GC.GetTotalAllocatedBytes();
    private long _allocatedAtLastTrim = -1;
    private long _workingSetAfterTrim = Environment.WorkingSet;

    public MemoryTrimmer(TimeProvider time, ILogger logger, TimeSpan? interval = null)
    {
        _logger = logger;
        var every = interval ?? TimeSpan.FromSeconds(10);
        _timer = time.CreateTimer(static state => ((MemoryTrimmer)state!).Check(), this, every, every);
    }

    private void Check()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var quiet = allocated - _allocatedAtLastCheck < QuietBytes;
        _allocatedAtLastCheck = allocated;
        if (!quiet || allocated - _allocatedAtLastTrim < QuietBytes)
        {
            return;
        }
        var info = GC.GetGCMemoryInfo();
        var slack = info.TotalCommittedBytes - info.HeapSizeBytes + info.FragmentedBytes;
        var before = Environment.WorkingSet;
        if (slack < SlackBytes && before - _workingSetAfterTrim < 2 * SlackBytes)
        {
            return;
        }
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _allocatedAtLastTrim = GC.GetTotalAllocatedBytes();
        _workingSetAfterTrim = Math.Min(_workingSetAfterTrim, Environment.WorkingSet);
        ProxyLog.MemoryTrimmed(_logger, before >> 20, Environment.WorkingSet >> 20);
    }

    public void Dispose() => _timer.Dispose();
}
