namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// Whether calls may go to Redis. Closed: they do, and <see cref="FailuresToOpen"/> failures in a row open it. Open: every
/// call is a miss at once, and only the probe (a success) closes it again. It starts open: nothing is known until the
/// first probe answers.
/// </summary>
/// <remarks>Concurrency: any request thread records outcomes (interlocked, no lock); only the probe loop closes.</remarks>
internal sealed class RedisCircuit(int failuresToOpen, TimeSpan probeDelay, TimeSpan maxProbeDelay)
{
    private const int Closed = 0;
    private const int Open = 1;

    private int _state = Open;
    private int _failures;

    public int FailuresToOpen { get; } = Math.Max(1, failuresToOpen);

    public bool IsClosed => Volatile.Read(ref _state) == Closed;

    public void Succeeded()
    {
        // Read first: a hot path of successes must not write the shared word on every call.
        if (Volatile.Read(ref _failures) != 0)
        {
            Volatile.Write(ref _failures, 0);
        }
    }

    /// <summary>Counts a failed call; true when this one opened the circuit (the caller logs and wakes the probe).</summary>
    public bool Failed() =>
        Interlocked.Increment(ref _failures) >= FailuresToOpen && Interlocked.CompareExchange(ref _state, Open, Closed) == Closed;

    /// <summary>A probe answered: true when this closed the circuit.</summary>
    public bool TryClose()
    {
        Volatile.Write(ref _failures, 0);
        return Interlocked.CompareExchange(ref _state, Closed, Open) == Open;
    }

    /// <summary>The wait before probe number <paramref name="attempt"/> (0-based): doubling from the first delay, capped.</summary>
    public TimeSpan ProbeDelay(int attempt)
    {
        var ticks = probeDelay.Ticks;
        for (var i = 0; i < attempt && ticks < maxProbeDelay.Ticks; i++)
        {
            ticks *= 2;
        }
        return TimeSpan.FromTicks(Math.Min(ticks, maxProbeDelay.Ticks));
    }
}
