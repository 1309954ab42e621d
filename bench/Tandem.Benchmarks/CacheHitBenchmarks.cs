using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Tandem.Proxy.Caching;

namespace Tandem.Benchmarks;

/// <summary>
/// The per-request part of a cache hit, without sockets: the memory tier's look-up of a stored object (with its drop
/// time check) and the answer written from it to a reused context (headers, Age, the body to a null stream; the
/// Range check with no Range header). Compare a build before a change of the hit path with one after.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CacheHitBenchmarks : IDisposable
{
    private const string Key = "http://shop.example/p/42";
    private MemoryCacheTier _tier = null!;
    private CachedResponse _stored = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var now = TimeProvider.System.GetUtcNow();
        _stored = new CachedResponse(200, [new("Content-Type", ["text/html"]), new("Cache-Control", ["max-age=3600"]), new("ETag", ["\"v1\""])],
            new byte[13], now, now, [], [], []);
        _tier = new MemoryCacheTier(64L << 20, TimeProvider.System);
#if BEFORE_DROP_TIME
        _tier.Set(Key, _stored);
#else
        _tier.Set(Key, _stored, now.AddHours(2));
#endif
        _context = new DefaultHttpContext();
        _context.Request.Method = HttpMethods.Get;
        _context.Response.Body = Stream.Null;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int MemoryGet()
    {
        var found = 0;
        for (var i = 0; i < 1000; i++)
        {
            found += _tier.Get(Key) is null ? 0 : 1;
        }
        return found;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public void WriteHit()
    {
        for (var i = 0; i < 1000; i++)
        {
            CachedResponseWriter.WriteAsync(_context, _stored, TimeSpan.FromSeconds(5), "HIT").GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
#if !BEFORE_DROP_TIME
        _tier?.Dispose();
#endif
        GC.SuppressFinalize(this);
    }
}
