using System.Globalization;
using Prometheus;

namespace Tandem.Observability.Resources;

/// <summary>
/// This node's own CPU and memory, sampled once a second on a <see cref="TimeProvider"/> timer (never on the request
/// path): the process's CPU percent (of all cores and of one core), the machine's CPU percent from <c>/proc/stat</c>,
/// the resident set and the GC heap. Exported as <c>tandem_node_cpu_percent</c> and <c>tandem_node_memory_bytes</c>
/// and read by the alert rules.
/// Concurrency: written by the timer only; readers get the latest immutable <see cref="Current"/> lock-free.
/// </summary>
public sealed class NodeResources : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ResourceReaders _readers;
    private readonly TimeSpan _interval;
    private System.Threading.ITimer? _timer;
    private TimeSpan _lastCpu;
    private long _lastTimestamp;
    private (long Busy, long Total)? _lastSystem;
    private volatile ResourceSample _current = ResourceSample.Empty;

    public NodeResources(TimeProvider time, ResourceReaders? readers = null, TimeSpan? interval = null)
    {
        _time = time;
        _readers = readers ?? ResourceReaders.Process;
        _interval = interval ?? TimeSpan.FromSeconds(1);
        _lastCpu = _readers.ProcessCpuTime();
        _lastTimestamp = time.GetTimestamp();
        _lastSystem = ParseProcStat(_readers.ProcStat());
    }

    /// <summary>The latest sample; <see cref="ResourceSample.Empty"/> before the first.</summary>
    public ResourceSample Current => _current;

    public void Start() => _timer ??= _time.CreateTimer(_ => Sample(), null, _interval, _interval);

    /// <summary>Registers the gauges, refreshed from <see cref="Current"/> before every scrape.</summary>
    public void Export(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var cpu = factory.CreateGauge("tandem_node_cpu_percent",
            "CPU use in percent of all cores: scope=process (this Tandem process) or system (the whole machine, from /proc/stat).", ["scope"]);
        var memory = factory.CreateGauge("tandem_node_memory_bytes", "Memory of this process: kind=rss (resident set) or gc_heap (managed heap).", ["kind"]);
        registry.AddBeforeCollectCallback(() =>
        {
            var sample = _current;
            cpu.WithLabels("process").Set(sample.ProcessCpuPercent);
            if (sample.SystemCpuPercent is { } system)
            {
                cpu.WithLabels("system").Set(system);
            }
            memory.WithLabels("rss").Set(sample.RssBytes);
            memory.WithLabels("gc_heap").Set(sample.GcHeapBytes);
        });
    }

    /// <summary>Takes one sample. Called by the timer; public for tests on a fake clock.</summary>
    public void Sample()
    {
        var now = _time.GetTimestamp();
        var cpu = _readers.ProcessCpuTime();
        var elapsed = _time.GetElapsedTime(_lastTimestamp, now);
        var cores = Math.Max(1, _readers.ProcessorCount);
        var oneCore = elapsed > TimeSpan.Zero ? Math.Max(0, (cpu - _lastCpu) / elapsed * 100) : 0;
        _lastCpu = cpu;
        _lastTimestamp = now;

        double? system = null;
        var stat = ParseProcStat(_readers.ProcStat());
        if (stat is { } s && _lastSystem is { } last && s.Total > last.Total)
        {
            system = Math.Clamp((double)(s.Busy - last.Busy) / (s.Total - last.Total) * 100, 0, 100);
        }
        _lastSystem = stat;
        _current = new ResourceSample(_time.GetUtcNow(), Math.Min(100, oneCore / cores), oneCore, system, _readers.RssBytes(), _readers.GcHeapBytes());
    }

    /// <summary>The first line of <c>/proc/stat</c> as (busy, total) jiffies; idle and iowait count as not busy.</summary>
    internal static (long Busy, long Total)? ParseProcStat(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var line = end < 0 ? text : text[..end];
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
        {
            return null;
        }
        long total = 0;
        long idle = 0;
        // user nice system idle iowait irq softirq steal (guest and guest_nice are already inside user and nice).
        for (var i = 1; i < fields.Length && i <= 8; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }
            total += value;
            if (i is 4 or 5)
            {
                idle += value;
            }
        }
        return (total - idle, total);
    }

    public void Dispose() => _timer?.Dispose();
}

/// <param name="At">When it was taken.</param>
/// <param name="ProcessCpuPercent">This process's CPU in percent of all cores (0..100).</param>
/// <param name="ProcessCpuPercentOfOneCore">The same in percent of one core (0..cores×100, as top shows it).</param>
/// <param name="SystemCpuPercent">The machine's CPU percent; null where <c>/proc/stat</c> cannot be read.</param>
/// <param name="RssBytes">The resident set (working set).</param>
/// <param name="GcHeapBytes">Bytes allocated on the managed heap.</param>
public sealed record ResourceSample(DateTimeOffset At, double ProcessCpuPercent, double ProcessCpuPercentOfOneCore, double? SystemCpuPercent, long RssBytes, long GcHeapBytes)
{
    public static readonly ResourceSample Empty = new(DateTimeOffset.MinValue, 0, 0, null, 0, 0);
}

/// <summary>Where the samples come from; tests pass fakes.</summary>
public sealed record ResourceReaders(Func<TimeSpan> ProcessCpuTime, Func<string?> ProcStat, Func<long> RssBytes, Func<long> GcHeapBytes, int ProcessorCount)
{
    public static readonly ResourceReaders Process = new(
        () => Environment.CpuUsage.TotalTime,
        ReadProcStat,
        () => Environment.WorkingSet,
        () => GC.GetTotalMemory(false),
        Environment.ProcessorCount);

    private static string? ReadProcStat()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
