using System.Globalization;
using Xunit;

namespace Tandem.Testing;

/// <summary>Reads the samples of a Prometheus text exposition: <c>name{labels}</c> as written, to its value.</summary>
public static class PrometheusText
{
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            Assert.True(space > 0, $"not a sample line: {line}");
            var key = line[..space];
            Assert.False(samples.ContainsKey(key), $"sample {key} written twice");
            samples[key] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return samples;
    }
}
