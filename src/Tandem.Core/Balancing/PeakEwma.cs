namespace Tandem.Core.Balancing;

/// <summary>
/// A server's response time as a peak-sensitive moving average, after Finagle's and Linkerd's PeakEWMA: a slower
/// sample than the average replaces it at once (react to trouble immediately), a faster one is blended in with weight
/// 1 - exp(-dt/tau) (recover gradually), and when no sample arrives the average decays towards zero with time, so a
/// server that was slow and got no traffic is tried again. tau is 10 s, Finagle's default.
/// Concurrency: lock-free. The average (float seconds) and the time of its last update (ms since the tracker was
/// created) are packed into one 64-bit word and updated with compare-and-swap, so they never tear.
/// </summary>
public sealed class PeakEwma
{
    private const double TauMilliseconds = 10_000;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private long _state;

    public PeakEwma(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Whether any sample has been observed.</summary>
    public bool HasSamples => Volatile.Read(ref _state) != 0;

    /// <summary>Adds a response time, in seconds, observed at <paramref name="timestamp"/> (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public void Observe(double seconds, long timestamp)
    {
        var now = Milliseconds(timestamp);
        var sample = (float)Math.Max(seconds, 1e-6);
        while (true)
        {
            var old = Volatile.Read(ref _state);
            var (cost, stamp) = Unpack(old);
            float next;
            if (old == 0 || sample > cost)
            {
                next = sample;
            }
            else
            {
                var weight = Math.Exp(-Elapsed(stamp, now) / TauMilliseconds);
                next = (float)(cost * weight + sample * (1 - weight));
            }
            if (Interlocked.CompareExchange(ref _state, Pack(next, now), old) == old)
            {
                return;
            }
        }
    }

    /// <summary>The average in seconds as of <paramref name="timestamp"/>, decayed for the time since the last sample; 0 before any.</summary>
    public double Seconds(long timestamp)
    {
        var state = Volatile.Read(ref _state);
        if (state == 0)
        {
            return 0;
        }
        var (cost, stamp) = Unpack(state);
        var idle = Elapsed(stamp, Milliseconds(timestamp));
        return idle == 0 ? cost : cost * Math.Exp(-idle / TauMilliseconds);
    }

    /// <summary>Milliseconds from <paramref name="from"/> to <paramref name="to"/>; 0 when a racing thread's later stamp is already in.</summary>
    private static int Elapsed(uint from, uint to) => Math.Max(0, (int)(to - from));

    /// <summary>
    /// Milliseconds since the tracker was created, wrapping every 49.7 days (differences stay right). Converted through
    /// <see cref="TimeProvider.GetElapsedTime(long, long)"/>: ticks x 1000 overflows a long after 106 days of nanosecond ticks.
    /// </summary>
    private uint Milliseconds(long timestamp) => (uint)(_time.GetElapsedTime(_origin, timestamp).Ticks / TimeSpan.TicksPerMillisecond);

    private static long Pack(float cost, uint stamp) => ((long)BitConverter.SingleToInt32Bits(cost) << 32) | stamp;

    private static (float Cost, uint Stamp) Unpack(long state) => (BitConverter.Int32BitsToSingle((int)(state >> 32)), (uint)state);
}
