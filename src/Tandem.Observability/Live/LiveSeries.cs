namespace Tandem.Observability.Live;

/// <summary>
/// The rings of one series (a server, or a pool as the sum of its servers): one <see cref="LiveSample"/> per tick for
/// <see cref="LiveStats.HistoryLength"/> ticks, and the cumulative counts of the last <see cref="LiveStats.WindowLength"/>
/// ticks for windowed quantiles. Concurrency: guarded by the owning <see cref="LiveStats"/>' lock.
/// </summary>
internal sealed class LiveSeries(LatencyRecorder? recorder, int historyLength, int windowLength)
{
    private readonly LiveSample[] _samples = new LiveSample[historyLength];
    private readonly long[][] _cumulative = CreateRing(windowLength);
    private readonly long[] _totals = new long[windowLength * 2];
    private readonly long[] _current = new long[LatencyRecorder.BucketCount];
    private readonly long[] _delta = new long[LatencyRecorder.BucketCount];
    private long _requests;
    private long _errors;
    private int _sampleCount;
    private int _sampleNext;
    private int _windowCount;
    private int _windowNext;

    /// <summary>The server's recorder; null for a pool's aggregate series.</summary>
    public LatencyRecorder? Recorder => recorder;

    /// <summary>The bucket deltas of the last tick (valid after <see cref="Advance"/>), for the pool aggregate to add up.</summary>
    public ReadOnlySpan<long> LastDelta => _delta;

    public long LastRequests { get; private set; }

    public long LastErrors { get; private set; }

    /// <summary>Reads the recorder and advances the rings by one tick of <paramref name="seconds"/>.</summary>
    public void Advance(DateTimeOffset at, double seconds)
    {
        var (requests, errors) = recorder!.CopyTo(_current);
        var previous = _windowCount == 0 ? null : _cumulative[(_windowNext + _cumulative.Length - 1) % _cumulative.Length];
        for (var i = 0; i < _current.Length; i++)
        {
            _delta[i] = previous is null ? 0 : Math.Max(0, _current[i] - previous[i]);
        }
        LastRequests = _windowCount == 0 ? 0 : Math.Max(0, requests - _requests);
        LastErrors = _windowCount == 0 ? 0 : Math.Max(0, errors - _errors);
        _requests = requests;
        _errors = errors;
        Push(at, seconds, _current, requests, errors);
    }

    /// <summary>Advances an aggregate series by the sum of its members' last deltas.</summary>
    public void AdvanceAggregate(DateTimeOffset at, double seconds, IReadOnlyList<LiveSeries> members)
    {
        Array.Clear(_delta);
        long requests = 0;
        long errors = 0;
        foreach (var member in members)
        {
            var d = member.LastDelta;
            for (var i = 0; i < _delta.Length; i++)
            {
                _delta[i] += d[i];
            }
            requests += member.LastRequests;
            errors += member.LastErrors;
        }
        LastRequests = requests;
        LastErrors = errors;
        _requests += requests;
        _errors += errors;
        for (var i = 0; i < _current.Length; i++)
        {
            _current[i] += _delta[i];
        }
        Push(at, seconds, _current, _requests, _errors);
    }

    private void Push(DateTimeOffset at, double seconds, long[] cumulative, long requests, long errors)
    {
        cumulative.CopyTo(_cumulative[_windowNext], 0);
        _totals[_windowNext * 2] = requests;
        _totals[(_windowNext * 2) + 1] = errors;
        _windowNext = (_windowNext + 1) % _cumulative.Length;
        _windowCount = Math.Min(_windowCount + 1, _cumulative.Length);

        var rps = seconds > 0 ? LastRequests / seconds : 0;
        var errorRate = LastRequests > 0 ? (double)LastErrors / LastRequests : 0;
        _samples[_sampleNext] = new LiveSample(at, rps, errorRate, LatencyRecorder.Quantile(_delta, 0.5), LatencyRecorder.Quantile(_delta, 0.99));
        _sampleNext = (_sampleNext + 1) % _samples.Length;
        _sampleCount = Math.Min(_sampleCount + 1, _samples.Length);
    }

    public LiveSample? Latest => _sampleCount == 0 ? null : _samples[(_sampleNext + _samples.Length - 1) % _samples.Length];

    /// <summary>The samples newer than <paramref name="since"/>, oldest first.</summary>
    public List<LiveSample> Since(DateTimeOffset since)
    {
        var list = new List<LiveSample>(_sampleCount);
        for (var i = _sampleCount; i > 0; i--)
        {
            var sample = _samples[(_sampleNext + _samples.Length - i) % _samples.Length];
            if (sample.At > since)
            {
                list.Add(sample);
            }
        }
        return list;
    }

    /// <summary>Requests/s, error rate and quantiles over the last <paramref name="ticks"/> ticks (at most the window ring).</summary>
    public WindowStats? Window(int ticks, double tickSeconds)
    {
        if (_windowCount < 2)
        {
            return null;
        }
        var span = Math.Min(ticks, _windowCount - 1);
        var newest = (_windowNext + _cumulative.Length - 1) % _cumulative.Length;
        var oldest = (newest + _cumulative.Length - span) % _cumulative.Length;
        var counts = new long[LatencyRecorder.BucketCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Math.Max(0, _cumulative[newest][i] - _cumulative[oldest][i]);
        }
        var requests = Math.Max(0, _totals[newest * 2] - _totals[oldest * 2]);
        var errors = Math.Max(0, _totals[(newest * 2) + 1] - _totals[(oldest * 2) + 1]);
        var seconds = span * tickSeconds;
        return new WindowStats(TimeSpan.FromSeconds(seconds), requests, seconds > 0 ? requests / seconds : 0,
            requests > 0 ? (double)errors / requests : 0, LatencyRecorder.Quantile(counts, 0.5), LatencyRecorder.Quantile(counts, 0.99));
    }

    private static long[][] CreateRing(int length)
    {
        var ring = new long[length][];
        for (var i = 0; i < length; i++)
        {
            ring[i] = new long[LatencyRecorder.BucketCount];
        }
        return ring;
    }
}

/// <summary>Totals over a window: what alert rules read (p99 latency, error rate, rate).</summary>
public sealed record WindowStats(TimeSpan Span, long Requests, double RequestsPerSecond, double ErrorRate, double P50, double P99);
