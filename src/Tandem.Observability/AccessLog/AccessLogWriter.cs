using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Observability.Metrics;

namespace Tandem.Observability.AccessLog;

/// <summary>
/// The access log: the request path hands over an <see cref="AccessLogEntry"/> (<see cref="TryWrite"/>: an interlocked
/// increment and a lock-free enqueue, never a wait); a dedicated writer thread wakes every
/// <see cref="FlushInterval"/> (sooner when a quarter of the buffer is used), formats what is queued into one buffer
/// and writes and flushes it with one call per 64 KB. When <c>buffer</c> entries are
/// already waiting, a new entry is dropped and counted in <c>tandem_access_log_dropped_total</c>.
/// Concurrency: <see cref="TryWrite"/> from any thread; the sink, formatter and rotation belong to the writer thread;
/// <see cref="Reopen"/> from any thread (it sets a flag the writer acts on).
/// </summary>
public sealed class AccessLogWriter : IAsyncDisposable
{
    private const int BatchBytes = 64 * 1024;

    /// <summary>How long a line may wait for the writer when traffic is light.</summary>
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<AccessLogEntry> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly IAccessLogSink _sink;
    private readonly AccessLogFormatter _formatter;
    private readonly int _capacity;
    private readonly int _wakeAt;
    private readonly TandemMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private int _idle;
    private int _reopen;
    private volatile bool _stopping;
    private bool _failing;
    private long _droppedReported;
    private long _formatted;
    private long _written;

    internal AccessLogWriter(IAccessLogSink sink, AccessLogFormat format, int capacity, TandemMetrics metrics, ILogger logger)
    {
        _sink = sink;
        _formatter = new AccessLogFormatter(format);
        _capacity = capacity;
        _wakeAt = Math.Max(1, capacity / 4);
        _metrics = metrics;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "tandem-access-log" };
        _thread.Start();
        AccessLogLog.Opened(logger, format == AccessLogFormat.Combined ? "combined" : "json", sink.Target, capacity);
    }

    /// <summary>The access log <paramref name="config"/> asks for, started; null when it asks for none.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened.</exception>
    public static AccessLogWriter? Create(AccessLogConfig? config, TandemMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (config is null || config.Enabled == false)
        {
            return null;
        }
        IAccessLogSink sink = config.ToStdout
            ? new StdoutSink()
            : new FileSink(config.Path!, config.MaxSize ?? ConfigDefaults.AccessLogMaxSize, config.MaxFiles ?? ConfigDefaults.AccessLogMaxFiles, logger);
        return new AccessLogWriter(sink, config.Format ?? AccessLogFormat.Json, config.Buffer ?? ConfigDefaults.AccessLogBuffer, metrics, logger);
    }

    /// <summary>Lines handed to the sink so far (tests wait on it).</summary>
    internal long LinesWritten => Interlocked.Read(ref _written);

    /// <summary>The file or "stdout".</summary>
    public string Target => _sink.Target;

    /// <summary>Queues an entry; false (and counted) when the buffer is full or the log is stopping.</summary>
    internal bool TryWrite(in AccessLogEntry entry)
    {
        var count = Interlocked.Increment(ref _count);
        if (count > _capacity || _stopping)
        {
            Interlocked.Decrement(ref _count);
            _metrics.AccessLogDropped();
            return false;
        }
        _queue.Enqueue(entry);
        if (count >= _wakeAt && Volatile.Read(ref _idle) == 1 && Interlocked.Exchange(ref _idle, 0) == 1)
        {
            _wake.Release();
        }
        return true;
    }

    /// <summary>Closes and reopens the file at the configured path (SIGHUP, after logrotate moved it); returns at once.</summary>
    public void Reopen()
    {
        Volatile.Write(ref _reopen, 1);
        Wake();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _idle, 0) == 1)
        {
            _wake.Release();
        }
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                if (Interlocked.Exchange(ref _reopen, 0) == 1)
                {
                    Guard(_sink.Reopen);
                }
                Drain();
                if (_stopping && _queue.IsEmpty)
                {
                    break;
                }
                // Sleep until the next flush tick, or until producers have filled a quarter of the buffer, a stop or a
                // reopen: one wake-up and one write per tick under load instead of one per request.
                Volatile.Write(ref _idle, 1);
                if (_stopping || Volatile.Read(ref _reopen) == 1 || Volatile.Read(ref _count) >= _wakeAt)
                {
                    if (Interlocked.Exchange(ref _idle, 0) == 0)
                    {
                        _wake.Wait();  // a producer released once: take it
                    }
                    continue;
                }
                _wake.Wait(FlushInterval);
                if (Interlocked.Exchange(ref _idle, 0) == 0 && _wake.CurrentCount > 0)
                {
                    _wake.Wait(0);
                }
            }
            Guard(_sink.Flush);
        }
        finally
        {
            _sink.Dispose();
            _formatter.Dispose();
            _stopped.TrySetResult();
        }
    }

    /// <summary>Formats and writes everything queued.</summary>
    private void Drain()
    {
        var any = false;
        var taken = 0;
        while (_queue.TryDequeue(out var entry))
        {
            _formatter.Append(entry);
            _formatted++;
            taken++;
            any = true;
            if (_formatter.Length >= BatchBytes)
            {
                // Room is given back per batch, not per entry: one interlocked operation instead of one per line.
                Interlocked.Add(ref _count, -taken);
                _metrics.AccessLogWritten(taken);
                taken = 0;
                WriteBatch(flush: false);
            }
        }
        if (taken > 0)
        {
            Interlocked.Add(ref _count, -taken);
            _metrics.AccessLogWritten(taken);
        }
        if (any || _formatter.Length > 0)
        {
            WriteBatch(flush: true);
        }
        ReportDrops();
    }

    private void WriteBatch(bool flush)
    {
        Guard(() =>
        {
            try
            {
                _sink.Write(_formatter.Lines);
                if (flush)
                {
                    _sink.Flush();
                }
            }
            finally
            {
                _formatter.Clear();
                Volatile.Write(ref _written, _formatted);
            }
        });
    }

    /// <summary>Runs a sink operation; an I/O error is logged once until writing works again, and never stops the writer.</summary>
    private void Guard(Action action)
    {
        try
        {
            action();
            _failing = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            if (!_failing)
            {
                _failing = true;
                AccessLogLog.WriteFailed(_logger, _sink.Target, ex.Message);
            }
        }
    }

    private void ReportDrops()
    {
        var dropped = _metrics.AccessLogDroppedCount;
        if (dropped - _droppedReported >= 1000 || (dropped > 0 && _droppedReported == 0))
        {
            _droppedReported = dropped;
            AccessLogLog.Dropping(_logger, dropped, _capacity);
        }
    }

    /// <summary>Stops taking entries, writes what is queued, flushes and closes (within <paramref name="timeout"/>).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        Wake();
        _wake.Release();
        await _stopped.Task.WaitAsync(timeout).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // A sink stuck in a write; the thread is a background thread and ends with the process.
        }
    }
}
