namespace Tandem.Observability.Live;

/// <summary>
/// The per-second rates of one route or layer-4 listener, derived once per tick from its cumulative counts (no work on
/// the request path beyond the counters it already has). Rates are taken over the last <see cref="WindowTicks"/> ticks so
/// a few requests or connections a second do not flicker between 0 and a spike.
/// Concurrency: guarded by the owning <see cref="LiveStats"/>' lock; <paramref name="read"/> tolerates torn reads.
/// </summary>
internal sealed class RateSeries(Func<LiveTotals> read)
{
    /// <summary>Ticks the rates span (five seconds at the default interval).</summary>
    public const int WindowTicks = 5;

    private readonly LiveTotals[] _totals = new LiveTotals[WindowTicks + 1];
    private readonly double[] _seconds = new double[WindowTicks + 1];
    private int _count;
    private int _next;

    public LiveRate? Latest { get; private set; }

    public void Advance(double seconds)
    {
        _totals[_next] = read();
        _seconds[_next] = seconds;
        var newest = _next;
        _next = (_next + 1) % _totals.Length;
        _count = Math.Min(_count + 1, _totals.Length);
        var now = _totals[newest];
        if (_count < 2)
        {
            Latest = new LiveRate(0, 0, double.NaN, 0, 0, now.Active, now.Events, now.Errors);
            return;
        }
        var span = _count - 1;
        var oldest = (newest + _totals.Length - span) % _totals.Length;
        double elapsed = 0;
        for (var i = 0; i < span; i++)
        {
            elapsed += _seconds[(newest + _totals.Length - i) % _totals.Length];
        }
        var then = _totals[oldest];
        var events = Math.Max(0, now.Events - then.Events);
        var errors = Math.Max(0, now.Errors - then.Errors);
        var timed = now.Timed - then.Timed;
        Latest = new LiveRate(
            events / elapsed,
            events > 0 ? Math.Min(1, (double)errors / events) : 0,
            timed > 0 ? Math.Max(0, now.Seconds - then.Seconds) / timed : double.NaN,
            Math.Max(0, now.BytesIn - then.BytesIn) / elapsed,
            Math.Max(0, now.BytesOut - then.BytesOut) / elapsed,
            now.Active, now.Events, now.Errors);
    }
}
