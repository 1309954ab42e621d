namespace Tandem.Proxy.Diagnostics;

/// <summary>
/// Lets one log line through per interval and counts the ones held back, so a dead server under load writes one
/// line a second instead of thousands. The next line written says how many were held back; when none follows, the
/// <c>flush</c> callback reports them one interval later, so a burst that ends is never folded silently.
/// Concurrency: lock-free; any thread. The flush runs on a timer thread and takes the interval's one line.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval, Action<long>? flush = null)
{
    private readonly long _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
    private long _nextAllowed = long.MinValue;
    private long _suppressed;
    private int _armed;
    private ITimer? _timer;

    /// <summary>True when this line may be written; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool TryAcquire(out long suppressed)
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextAllowed);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowed, now + _intervalTicks, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }
        Interlocked.Increment(ref _suppressed);
        if (flush is not null && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            Arm(TimeSpan.FromSeconds(Math.Max(next - now, 0) / (double)time.TimestampFrequency));
        }
        suppressed = 0;
        return false;
    }

    private void Arm(TimeSpan due)
    {
        var timer = _timer;
        if (timer is null)
        {
            timer = time.CreateTimer(static state => ((LogThrottle)state!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (Interlocked.CompareExchange(ref _timer, timer, null) is { } existing)
            {
                timer.Dispose();
                timer = existing;
            }
        }
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Flush()
    {
        Volatile.Write(ref _armed, 0);
        if (Interlocked.Read(ref _suppressed) == 0)
        {
            return;
        }
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextAllowed);
        if (now < next || Interlocked.CompareExchange(ref _nextAllowed, now + _intervalTicks, next) != next)
        {
            // A line was written meanwhile and took this interval: try again when the next one opens.
            if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
            {
                Arm(TimeSpan.FromSeconds(Math.Max(Interlocked.Read(ref _nextAllowed) - now, 0) / (double)time.TimestampFrequency));
            }
            return;
        }
        var count = Interlocked.Exchange(ref _suppressed, 0);
        if (count > 0)
        {
            flush!(count);
        }
    }
}
