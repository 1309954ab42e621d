using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A secret file (htpasswd, JWKS) parsed once and re-read when it changes on disk (its write time or length), looked at
/// no more than once per <see cref="CheckInterval"/>, as certificates are. A new version that cannot be read or parsed
/// is logged and the old one kept. Concurrency: any thread; one thread at a time looks at the disk.
/// </summary>
internal sealed class WatchedFile<T>
    where T : class
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly Func<string, T> _parse;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _intervalTicks;
    private volatile T _current;
    private long _nextCheck;
    private (DateTime Written, long Length) _stamp;

    /// <summary>Reads the file now; throws what <paramref name="parse"/> throws (the config check has read it already).</summary>
    public WatchedFile(string path, Func<string, T> parse, TimeProvider time, ILogger logger)
    {
        _path = path;
        _parse = parse;
        _time = time;
        _logger = logger;
        _intervalTicks = (long)(CheckInterval.TotalSeconds * time.TimestampFrequency);
        _stamp = Stamp(path);
        _current = parse(path);
        _nextCheck = time.GetTimestamp() + _intervalTicks;
    }

    public T Current
    {
        get
        {
            var now = _time.GetTimestamp();
            var next = Interlocked.Read(ref _nextCheck);
            if (now >= next && Interlocked.CompareExchange(ref _nextCheck, now + _intervalTicks, next) == next)
            {
                Check();
            }
            return _current;
        }
    }

    /// <summary>Looks at the disk now (and on the next <see cref="Current"/> after the interval).</summary>
    public void Check()
    {
        try
        {
            var stamp = Stamp(_path);
            if (stamp == _stamp)
            {
                return;
            }
            _current = _parse(_path);
            _stamp = stamp;
            PolicyLog.SecretReloaded(_logger, _path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException)
        {
            PolicyLog.SecretUnreadable(_logger, _path, ex.Message);
        }
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}
