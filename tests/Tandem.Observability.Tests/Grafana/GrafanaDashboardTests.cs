using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Grafana;

/// <summary>eng/grafana/tandem.json: valid JSON, a datasource variable, and only metric names Tandem exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    /// <summary>Exported by features that live outside this assembly's metrics (the alerts feature's node gauges).</summary>
    private static readonly string[] FromOtherFeatures = ["tandem_node_cpu_percent", "tandem_node_memory_bytes"];

    [Fact]
    public void Dashboard_EveryPanel_UsesTheDatasourceVariable()
    {
        using var dashboard = Load();
        var root = dashboard.RootElement;

        Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(),
            v => v.GetProperty("type").GetString() == "datasource" && v.GetProperty("name").GetString() == "datasource");
        var panels = Panels(root).ToList();
        Assert.True(panels.Count >= 15, $"{panels.Count} panels");
        Assert.All(panels, p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.All(panels, p => Assert.NotEmpty(p.GetProperty("targets").EnumerateArray()));
    }

    [Fact]
    public async Task Dashboard_EveryMetricName_ExportedAfterRealTraffic()
    {
        using var dashboard = Load();
        var referenced = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var panel in Panels(dashboard.RootElement))
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                foreach (Match match in MetricName().Matches(target.GetProperty("expr").GetString()!))
                {
                    referenced.Add(match.Value);
                }
            }
        }

        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([TestConfig.DeadServer(), a.ServerConfig()]),
            new Core.Config.AccessLogConfig { Path = "access.log" });
        (await proxy.Client.PostAsync(new Uri("/upload", UriKind.Relative), new StringContent("body"))).Dispose();
        (await proxy.Client.GetAsync(new Uri("/", UriKind.Relative))).Dispose();
        proxy.Metrics.HealthChanged("app", "a", "down");
        proxy.Metrics.ReloadApplied();
        var exported = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in TypeLine().Matches(await proxy.ScrapeTextAsync()))
        {
            exported.Add(match.Groups[1].Value);
        }

        Assert.True(referenced.Count >= 20, string.Join(", ", referenced));
        var unknown = new List<string>();
        foreach (var name in referenced)
        {
            var family = HistogramSuffix().Replace(name, "");
            if (!exported.Contains(name) && !exported.Contains(family) && Array.IndexOf(FromOtherFeatures, name) < 0)
            {
                unknown.Add(name);
            }
        }
        Assert.Empty(unknown);
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() != "row")
            {
                yield return panel;
            }
        }
    }

    private static JsonDocument Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "eng", "grafana", "tandem.json");
            if (File.Exists(path))
            {
                return JsonDocument.Parse(File.ReadAllText(path));
            }
        }
        throw new FileNotFoundException("eng/grafana/tandem.json not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\btandem_[a-z0-9_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
