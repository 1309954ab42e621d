using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>The <c>access-log</c> and <c>metrics</c> sections' schema.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] AccessLogKeys = ["enabled", "path", "format", "buffer", "max-size", "max-files"];
    private static readonly string[] MetricsKeys = ["enabled", "method-label"];

    private static readonly Keywords<AccessLogFormat> AccessLogFormats = new(("json", AccessLogFormat.Json), ("combined", AccessLogFormat.Combined));

    private static AccessLogConfig? BindAccessLog(ConfigReader reader, YamlNode node)
    {
        const string path = "access-log";
        var map = reader.Mapping(node, path, AccessLogKeys);
        if (map is null)
        {
            return null;
        }
        var file = reader.String(map, path, "path");
        if (file is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, "path")!, ConfigReader.Child(path, "path"), "must name a file, or '-' for standard output");
        }
        return new AccessLogConfig
        {
            Enabled = reader.Bool(map, path, "enabled"),
            Path = file,
            Format = reader.Choice(map, path, "format", AccessLogFormats, f => $"unknown format '{f}'; expected json or combined"),
            Buffer = reader.Int(map, path, "buffer", 16, 16 * 1024 * 1024),
            MaxSize = ByteSize(reader, map, path, "max-size"),
            MaxFiles = reader.Int(map, path, "max-files", 1, 1000),
        };
    }

    private static MetricsConfig? BindMetrics(ConfigReader reader, YamlNode node)
    {
        const string path = "metrics";
        var map = reader.Mapping(node, path, MetricsKeys);
        if (map is null)
        {
            return null;
        }
        return new MetricsConfig { Enabled = reader.Bool(map, path, "enabled"), MethodLabel = reader.Bool(map, path, "method-label") };
    }

    /// <summary>A size such as <c>100MB</c>, <c>512KB</c>, <c>1GB</c> or plain bytes; units are powers of 1024; at least 1KB.</summary>
    private static long? ByteSize(ConfigReader reader, YamlMapping map, string path, string key)
    {
        var scalar = reader.Scalar(ConfigReader.Value(map, key), ConfigReader.Child(path, key));
        if (scalar is null)
        {
            return null;
        }
        var text = scalar.Text.Trim();
        var (digits, unit) = SplitUnit(text);
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1L << 10,
            "M" or "MB" => 1L << 20,
            "G" or "GB" => 1L << 30,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue / multiplier)
        {
            reader.Problem(scalar, ConfigReader.Child(path, key), $"bad size '{scalar.Text}'; write e.g. 100MB, 512KB, 1GB or a number of bytes");
            return null;
        }
        var bytes = number * multiplier;
        if (bytes < 1024)
        {
            reader.Problem(scalar, ConfigReader.Child(path, key), $"must be at least 1KB, got '{scalar.Text}'");
            return null;
        }
        return bytes;
    }

    private static (string Digits, string Unit) SplitUnit(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        return (text[..i], text[i..].Trim());
    }
}
