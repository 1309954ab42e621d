using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>The <c>alerts</c> section's schema.</summary>
internal static partial class ConfigBinder
{
    private static readonly string[] AlertsKeys = ["webhook", "evaluate-every", "node", "rules"];
    private static readonly string[] AlertRuleKeys = ["name", "level", "condition", "for", "keep-firing-for", "window", "pool", "server", "summary"];

    private static readonly Keywords<AlertLevel> AlertLevels = new(
        ("warning", AlertLevel.Warning),
        ("critical", AlertLevel.Critical),
        ("disaster", AlertLevel.Disaster));

    private static AlertsConfig? BindAlerts(ConfigReader reader, YamlNode node, IReadOnlyList<PoolConfig>? pools)
    {
        const string path = "alerts";
        var map = reader.Mapping(node, path, AlertsKeys);
        if (map is null)
        {
            return null;
        }
        var complete = true;
        var webhooks = new List<Uri>();
        if (ConfigReader.Value(map, "webhook") is { } webhookNode)
        {
            var items = webhookNode is YamlSequence list ? list.Items : [webhookNode];
            for (var i = 0; i < items.Count; i++)
            {
                var itemPath = webhookNode is YamlSequence ? ConfigReader.Item("alerts.webhook", i) : "alerts.webhook";
                var text = reader.Scalar(items[i], itemPath)?.Text;
                if (text is null)
                {
                    complete = false;
                }
                else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                {
                    webhooks.Add(uri);
                }
                else
                {
                    reader.Problem(items[i], itemPath, $"bad webhook URL '{text}'; expected http:// or https:// and a host");
                    complete = false;
                }
            }
        }
        var every = reader.Duration(map, path, "evaluate-every");
        if (every is { } e && (e < TimeSpan.FromMilliseconds(100) || e > TimeSpan.FromMinutes(1)))
        {
            reader.Problem(ConfigReader.Value(map, "evaluate-every")!, "alerts.evaluate-every", "must be 100ms..1m");
            complete = false;
        }
        var nodeName = reader.String(map, path, "node");
        List<AlertRuleConfig>? rules = null;
        if (ConfigReader.Value(map, "rules") is { } rulesNode)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            rules = BindList(reader, rulesNode, "alerts.rules", "must list at least one rule (leave out 'rules' for the default rules)",
                (n, p) => BindAlertRule(reader, n, p, names, pools));
            complete &= rules is not null;
        }
        return complete ? new AlertsConfig { Webhooks = webhooks, EvaluateEvery = every, Node = nodeName, Rules = rules } : null;
    }

    private static AlertRuleConfig? BindAlertRule(ConfigReader reader, YamlNode node, string path, HashSet<string> names, IReadOnlyList<PoolConfig>? pools)
    {
        var map = reader.Mapping(node, path, AlertRuleKeys);
        if (map is null)
        {
            return null;
        }
        var name = reader.String(map, path, "name", required: true);
        if (name is not null && !names.Add(name))
        {
            reader.Problem(ConfigReader.Value(map, "name")!, ConfigReader.Child(path, "name"), $"duplicate rule name '{name}'");
            name = null;
        }
        var levelNode = reader.Required(map, path, "level");
        var level = levelNode is null ? null
            : reader.Choice(map, path, "level", AlertLevels, v => $"unknown level '{v}'; expected warning, critical or disaster");
        AlertCondition? condition = null;
        if (reader.String(map, path, "condition", required: true) is { } text)
        {
            if (!AlertCondition.TryParse(text, out condition, out var error))
            {
                reader.Problem(ConfigReader.Value(map, "condition")!, ConfigReader.Child(path, "condition"), error);
            }
        }
        var forTime = ZeroOrMore(reader, map, path, "for");
        var keep = ZeroOrMore(reader, map, path, "keep-firing-for");
        var window = reader.Duration(map, path, "window");
        if (window is { } w && w > TimeSpan.FromMinutes(2))
        {
            reader.Problem(ConfigReader.Value(map, "window")!, ConfigReader.Child(path, "window"), "must be at most 2m (the live statistics keep two minutes)");
            window = null;
        }
        var pool = reader.String(map, path, "pool");
        if (pool is not null && pools is not null && !pools.Any(p => p.Name == pool))
        {
            reader.Problem(ConfigReader.Value(map, "pool")!, ConfigReader.Child(path, "pool"), $"unknown pool '{pool}'");
            pool = null;
        }
        var server = reader.String(map, path, "server");
        if (server is not null && condition is not null && !PerServer(condition.Kind))
        {
            reader.Problem(ConfigReader.Value(map, "server")!, ConfigReader.Child(path, "server"),
                string.Create(CultureInfo.InvariantCulture, $"does not apply to condition '{condition.Text}'"));
            condition = null;
        }
        var summary = reader.String(map, path, "summary");
        if (name is null || level is null || condition is null || forTime is null || keep is null
            || (ConfigReader.Value(map, "window") is not null && window is null) || (ConfigReader.Value(map, "pool") is not null && pool is null))
        {
            return null;
        }
        return new AlertRuleConfig
        {
            Name = name,
            Level = level.Value,
            Condition = condition,
            For = forTime.Value,
            KeepFiringFor = keep.Value,
            Window = window,
            Pool = pool,
            Server = server,
            Summary = summary,
        };
    }

    /// <summary>Conditions measured per server, where a <c>server</c> filter makes sense.</summary>
    private static bool PerServer(AlertConditionKind kind) => kind is AlertConditionKind.ServerDown or AlertConditionKind.ServerCpu
        or AlertConditionKind.P50 or AlertConditionKind.P99 or AlertConditionKind.ErrorRate or AlertConditionKind.Rate;

    /// <summary>A duration that may be 0 (<c>for: 0s</c>); TimeSpan.Zero when absent, null when bad.</summary>
    private static TimeSpan? ZeroOrMore(ConfigReader reader, YamlMapping map, string path, string key)
    {
        var scalar = reader.Scalar(ConfigReader.Value(map, key), ConfigReader.Child(path, key));
        if (scalar is null)
        {
            return TimeSpan.Zero;
        }
        if (scalar.Text == "0")
        {
            return TimeSpan.Zero;
        }
        if (Duration.TryParse(scalar.Text, out var value) && value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1))
        {
            return value;
        }
        reader.Problem(scalar, ConfigReader.Child(path, key), $"bad duration '{scalar.Text}'; {Duration.Hint} (0 to 1d)");
        return null;
    }
}
