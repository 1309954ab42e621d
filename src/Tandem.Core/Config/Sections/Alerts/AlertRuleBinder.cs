using System.Globalization;

namespace Tandem.Core.Config.Sections.Alerts;

/// <summary>One of <c>alerts.rules</c>: a named condition, its level, and how long it must hold.</summary>
internal static class AlertRuleBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly ConfigKey
        Name = Keys.Add("name"),
        Level = Keys.Add("level"),
        Condition = Keys.Add("condition"),
        For = Keys.Add("for"),
        KeepFiringFor = Keys.Add("keep-firing-for"),
        Window = Keys.Add("window"),
        Pool = Keys.Add("pool"),
        Server = Keys.Add("server"),
        Summary = Keys.Add("summary");

    private static readonly Keywords<AlertLevel> AlertLevels = new(
        ("warning", AlertLevel.Warning),
        ("critical", AlertLevel.Critical),
        ("disaster", AlertLevel.Disaster));

    public static AlertRuleConfig? Bind(ConfigReader reader, YamlNode node, string path, HashSet<string> names, IReadOnlyList<PoolConfig>? pools)
    {
        var map = reader.Mapping(node, path, Keys);
        if (map is null)
        {
            return null;
        }
        var name = reader.String(map, path, Name, required: true);
        if (name is not null && !names.Add(name))
        {
            reader.Problem(ConfigReader.Value(map, Name)!, Name.At(path), $"duplicate rule name '{name}'");
            name = null;
        }
        var levelNode = reader.Required(map, path, Level);
        var level = levelNode is null ? null
            : reader.Choice(map, path, Level, AlertLevels, v => $"unknown level '{v}'; expected warning, critical or disaster");
        AlertCondition? condition = null;
        if (reader.String(map, path, Condition, required: true) is { } text)
        {
            if (!AlertCondition.TryParse(text, out condition, out var error))
            {
                reader.Problem(ConfigReader.Value(map, Condition)!, Condition.At(path), error);
            }
        }
        var forTime = ZeroOrMore(reader, map, path, For);
        var keep = ZeroOrMore(reader, map, path, KeepFiringFor);
        var window = reader.Duration(map, path, Window);
        if (window is { } w && w > TimeSpan.FromMinutes(2))
        {
            reader.Problem(ConfigReader.Value(map, Window)!, Window.At(path), "must be at most 2m (the live statistics keep two minutes)");
            window = null;
        }
        var pool = reader.String(map, path, Pool);
        if (pool is not null && pools is not null && !pools.Any(p => p.Name == pool))
        {
            reader.Problem(ConfigReader.Value(map, Pool)!, Pool.At(path), $"unknown pool '{pool}'");
            pool = null;
        }
        var server = reader.String(map, path, Server);
        if (server is not null && condition is not null && !PerServer(condition.Kind))
        {
            reader.Problem(ConfigReader.Value(map, Server)!, Server.At(path),
                string.Create(CultureInfo.InvariantCulture, $"does not apply to condition '{condition.Text}'"));
            condition = null;
        }
        var summary = reader.String(map, path, Summary);
        if (name is null || level is null || condition is null || forTime is null || keep is null
            || (ConfigReader.Value(map, Window) is not null && window is null) || (ConfigReader.Value(map, Pool) is not null && pool is null))
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
    private static TimeSpan? ZeroOrMore(ConfigReader reader, YamlMapping map, string path, ConfigKey key)
    {
        var scalar = reader.Scalar(ConfigReader.Value(map, key), key.At(path));
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
        reader.Problem(scalar, key.At(path), $"bad duration '{scalar.Text}'; {Duration.Hint} (0 to 1d)");
        return null;
    }
}
