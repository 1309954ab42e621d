using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Core.Config;
using Tandem.Observability.Alerts;
using Tandem.Observability.Resources;

namespace Tandem.Observability.Tests.Alerts;

public sealed class NodeResourcesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private TimeSpan _cpu = TimeSpan.FromSeconds(10);
    private long _busy = 1000;
    private long _idle = 9000;

    private NodeResources Create() => new(_time, new ResourceReaders(
        () => _cpu,
        () => string.Create(CultureInfo.InvariantCulture, $"cpu  {_busy} 0 0 {_idle} 0 0 0 0 0 0"),
        () => 200 * 1024 * 1024,
        () => 50 * 1024 * 1024,
        4));

    /// <summary>One second on which the process used <paramref name="processSeconds"/> of CPU and the machine was <paramref name="busyPercent"/> busy.</summary>
    private void Second(double processSeconds, int busyPercent)
    {
        _cpu += TimeSpan.FromSeconds(processSeconds);
        _busy += busyPercent;
        _idle += 100 - busyPercent;
        _time.Advance(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Sample_ProcessAndMachineBusy_PercentsOfAllCoresAndOneCore()
    {
        using var resources = Create();
        Second(2, 75);
        resources.Sample();

        var sample = resources.Current;
        Assert.Equal(50, sample.ProcessCpuPercent, 3);
        Assert.Equal(200, sample.ProcessCpuPercentOfOneCore, 3);
        Assert.Equal(75, sample.SystemCpuPercent!.Value, 3);
        Assert.Equal((200L * 1024 * 1024, 50L * 1024 * 1024), (sample.RssBytes, sample.GcHeapBytes));
    }

    [Fact]
    public void Start_TimerEverySecond_SamplesWithoutBeingCalled()
    {
        using var resources = Create();
        resources.Start();
        Second(0.5, 30);

        Assert.Equal(30, resources.Current.SystemCpuPercent!.Value, 3);
    }

    [Fact]
    public async Task Export_Scrape_GaugesByScopeAndKind()
    {
        using var resources = Create();
        var registry = Prometheus.Metrics.NewCustomRegistry();
        resources.Export(registry);
        Second(1, 40);
        resources.Sample();

        var samples = await Scrape.SamplesAsync(registry);

        Assert.Equal(25, samples["tandem_node_cpu_percent{scope=\"process\"}"], 3);
        Assert.Equal(40, samples["tandem_node_cpu_percent{scope=\"system\"}"], 3);
        Assert.Equal(200 * 1024 * 1024, samples["tandem_node_memory_bytes{kind=\"rss\"}"]);
        Assert.Equal(50 * 1024 * 1024, samples["tandem_node_memory_bytes{kind=\"gc_heap\"}"]);
    }

    [Fact]
    public void ParseProcStat_RealFormat_BusyExcludesIdleAndIowait()
    {
        Assert.Equal((60L, 100L), NodeResources.ParseProcStat("cpu  30 5 20 30 10 3 2 0 0 0\ncpu0 1 2 3 4"));
        Assert.Null(NodeResources.ParseProcStat("intr 1 2 3"));
        Assert.Null(NodeResources.ParseProcStat(null));
    }

    [Fact]
    public void DefaultRules_NodeCpuOver70ForFiveMinutes_WarningFires()
    {
        using var resources = Create();
        using var engine = new AlertEngine(new AlertSources { Resources = resources }, _time, NullLogger.Instance);
        var notices = new List<AlertNotice>();
        engine.Notified += notices.Add;
        engine.Configure(null, "n1");

        // Pending from the first evaluation that sees 80%, firing five minutes later.
        for (var second = 1; second <= 300; second++)
        {
            Second(0.1, 80);
            resources.Sample();
            engine.Evaluate();
        }
        Assert.Empty(notices);
        Assert.Single(engine.View().Pending);

        Second(0.1, 80);
        resources.Sample();
        engine.Evaluate();

        var notice = Assert.Single(notices);
        Assert.Equal(("NodeCpuHigh", "warning", "n1"), (notice.Labels["alertname"], notice.Labels["severity"], notice.Labels["node"]));
        Assert.Equal(AlertDefaults.Rules[0].Summary, notice.Summary);
    }

    [Fact]
    public void Sample_RealProcess_Plausible()
    {
        using var resources = new NodeResources(TimeProvider.System);
        Thread.SpinWait(1_000_000);
        resources.Sample();

        Assert.InRange(resources.Current.ProcessCpuPercent, 0, 100);
        Assert.True(resources.Current.RssBytes > 1024 * 1024);
        Assert.True(resources.Current.GcHeapBytes > 0);
    }
}
