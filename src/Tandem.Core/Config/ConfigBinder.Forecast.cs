using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>The <c>forecast</c> section's schema and the per-pool <c>capacity</c> and <c>scale-ahead</c> keys.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] ForecastKeys = ["data-dir", "minute-retention-days", "hour-retention-days", "retrain-interval"];
    private static readonly string[] ScaleAheadKeys = ["lead", "threshold", "actions"];
    private static readonly string[] ScaleActionKeys = ["webhook", "command", "timeout"];

    private const double MaxCapacity = 10_000_000;

    private static ForecastConfig? BindForecast(ConfigReader reader, YamlNode node)
    {
        const string path = "forecast";
        var map = reader.Mapping(node, path, ForecastKeys);
        if (map is null)
        {
            return null;
        }
        var dataDir = reader.String(map, path, "data-dir");
        if (dataDir is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, "data-dir")!, ConfigReader.Child(path, "data-dir"), "must not be empty");
        }
        return new ForecastConfig
        {
            DataDir = dataDir,
            MinuteRetentionDays = reader.Int(map, path, "minute-retention-days", 1, 366),
            HourRetentionDays = reader.Int(map, path, "hour-retention-days", 1, 3660),
            RetrainInterval = reader.Duration(map, path, "retrain-interval"),
        };
    }

    /// <summary>Binds <c>capacity</c> and <c>scale-ahead</c> of one pool; <c>Ok</c> is false when either was present but bad.</summary>
    private static (double? Capacity, ScaleAheadConfig? ScaleAhead, bool Ok) BindPoolForecast(ConfigReader reader, YamlMapping map, string path)
    {
        double? capacity = null;
        var ok = true;
        if (reader.Scalar(ConfigReader.Value(map, "capacity"), ConfigReader.Child(path, "capacity")) is { } capacityNode)
        {
            if (double.TryParse(capacityNode.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value > 0 && value <= MaxCapacity)
            {
                capacity = value;
            }
            else
            {
                reader.Problem(capacityNode, ConfigReader.Child(path, "capacity"),
                    $"expected requests per second per server, a number greater than 0 and at most 10000000, got '{capacityNode.Text}'");
                ok = false;
            }
        }
        var scaleNode = ConfigReader.Value(map, "scale-ahead");
        var scaleAhead = scaleNode is null ? null : BindScaleAhead(reader, scaleNode, ConfigReader.Child(path, "scale-ahead"));
        return (capacity, scaleAhead, ok && (scaleNode is null || scaleAhead is not null));
    }

    private static ScaleAheadConfig? BindScaleAhead(ConfigReader reader, YamlNode node, string path)
    {
        var map = reader.Mapping(node, path, ScaleAheadKeys);
        if (map is null)
        {
            return null;
        }
        var lead = reader.Duration(map, path, "lead");
        if (lead is { } l && l > TimeSpan.FromHours(24))
        {
            reader.Problem(ConfigReader.Value(map, "lead")!, ConfigReader.Child(path, "lead"), "must be at most 24h (the forecast's reach)");
            lead = null;
        }
        double? threshold = null;
        var thresholdOk = true;
        if (reader.Scalar(ConfigReader.Value(map, "threshold"), ConfigReader.Child(path, "threshold")) is { } t)
        {
            threshold = ParsePercent(t.Text);
            if (threshold is null)
            {
                reader.Problem(t, ConfigReader.Child(path, "threshold"), $"expected a percentage 1%..100% such as 80%, got '{t.Text}'");
                thresholdOk = false;
            }
        }
        var actions = new List<ScaleAction>();
        var actionsOk = true;
        var actionsPath = ConfigReader.Child(path, "actions");
        if (reader.Sequence(ConfigReader.Value(map, "actions"), actionsPath) is { } sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                var action = BindScaleAction(reader, sequence.Items[i], ConfigReader.Item(actionsPath, i));
                if (action is null)
                {
                    actionsOk = false;
                }
                else
                {
                    actions.Add(action);
                }
            }
        }
        else if (ConfigReader.Value(map, "actions") is not null)
        {
            actionsOk = false;
        }
        if (!thresholdOk || !actionsOk || (ConfigReader.Value(map, "lead") is not null && lead is null))
        {
            return null;
        }
        return new ScaleAheadConfig { Lead = lead, Threshold = threshold, Actions = actions };
    }

    private static ScaleAction? BindScaleAction(ConfigReader reader, YamlNode node, string path)
    {
        if (node is YamlScalar scalar)
        {
            if (scalar.Text == "wake-backups")
            {
                return new ScaleAction(ScaleActionKind.WakeBackups);
            }
            reader.Problem(scalar, path, $"unknown action '{scalar.Text}'; expected wake-backups, webhook: URL or command: \"...\"");
            return null;
        }
        var map = reader.Mapping(node, path, ScaleActionKeys);
        if (map is null)
        {
            return null;
        }
        var webhook = reader.String(map, path, "webhook");
        var command = reader.String(map, path, "command");
        var timeout = reader.Duration(map, path, "timeout");
        if (webhook is not null && command is not null)
        {
            reader.Problem(map, path, "give either webhook or command, not both");
            return null;
        }
        if (webhook is null && command is null)
        {
            reader.Problem(map, path, "expected wake-backups, webhook: URL or command: \"...\"");
            return null;
        }
        if (webhook is not null)
        {
            if (!Uri.TryCreate(webhook, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                reader.Problem(ConfigReader.Value(map, "webhook")!, ConfigReader.Child(path, "webhook"), $"expected an http:// or https:// URL, got '{webhook}'");
                return null;
            }
            return new ScaleAction(ScaleActionKind.Webhook, webhook, timeout);
        }
        if (string.IsNullOrWhiteSpace(command))
        {
            reader.Problem(ConfigReader.Value(map, "command") ?? map, ConfigReader.Child(path, "command"), "must not be empty");
            return null;
        }
        return new ScaleAction(ScaleActionKind.Command, command, timeout);
    }

    /// <summary><c>80%</c> as 0.8 (1%..100%); null when malformed or out of range.</summary>
    internal static double? ParsePercent(string? text)
    {
        if (text is null || !text.EndsWith('%'))
        {
            return null;
        }
        if (!double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value < 1 || value > 100)
        {
            return null;
        }
        return value / 100;
    }
}
