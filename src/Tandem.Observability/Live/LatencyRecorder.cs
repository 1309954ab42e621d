namespace Tandem.Observability.Live;

/// <summary>
/// Counts of one server's (or one pool's unrouted) completed requests: log-spaced latency buckets, totals and 5xx.
/// Cheap enough for the request path: three interlocked increments, no allocation, no lock.
/// Concurrency: <see cref="Record"/> from any thread; <see cref="CopyTo"/> from the sampler, which tolerates torn reads
/// across buckets (a request counted in one bucket but not yet in the total is seen on the next sample).
/// </summary>
public sealed class LatencyRecorder
{
    /// <summary>Bucket upper bounds: 100 µs to about 60 s in steps of x1.25, then an overflow bucket.</summary>
    public static readonly double[] UpperBounds = BuildBounds();

    private readonly long[] _buckets = new long[UpperBounds.Length + 1];
    private long _requests;
    private long _errors;

    public LatencyRecorder(string pool, string server)
    {
        Pool = pool;
        Server = server;
    }

    public string Pool { get; }

    public string Server { get; }

    public static int BucketCount => UpperBounds.Length + 1;

    public void Record(int statusCode, double seconds)
    {
        Interlocked.Increment(ref _buckets[BucketOf(seconds)]);
        Interlocked.Increment(ref _requests);
        if (statusCode >= 500)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    /// <summary>Copies the cumulative counts: the buckets into <paramref name="buckets"/>, returns (requests, errors).</summary>
    public (long Requests, long Errors) CopyTo(Span<long> buckets)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            buckets[i] = Volatile.Read(ref _buckets[i]);
        }
        return (Volatile.Read(ref _requests), Volatile.Read(ref _errors));
    }

    internal static int BucketOf(double seconds)
    {
        // Binary search over ~50 bounds: 6 comparisons.
        var lo = 0;
        var hi = UpperBounds.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (seconds <= UpperBounds[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of the requests counted in <paramref name="counts"/> (bucket deltas), interpolated
    /// linearly inside the bucket it falls in; NaN when there are none.
    /// </summary>
    public static double Quantile(ReadOnlySpan<long> counts, double q)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }
        if (total <= 0)
        {
            return double.NaN;
        }
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            if (seen + counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : UpperBounds[i - 1];
                var upper = i < UpperBounds.Length ? UpperBounds[i] : UpperBounds[^1] * 2;
                var within = (rank - seen) / counts[i];
                return lower + ((upper - lower) * Math.Clamp(within, 0, 1));
            }
            seen += counts[i];
        }
        return UpperBounds[^1];
    }

    private static double[] BuildBounds()
    {
        var bounds = new List<double>();
        for (var b = 0.0001; b < 60; b *= 1.25)
        {
            bounds.Add(b);
        }
        return [.. bounds];
    }
}
