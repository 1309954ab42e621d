using System.Text;
using Prometheus;
using Tandem.Testing;

namespace Tandem.Observability.Tests.Alerts;

internal static class Scrape
{
    public static async Task<Dictionary<string, double>> SamplesAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
