using Tandem.Core.Config.Policies;
using Tandem.Core.Config.Sections.AccessLog;
using Tandem.Core.Config.Sections.Admin;
using Tandem.Core.Config.Sections.Alerts;
using Tandem.Core.Config.Sections.Cache;
using Tandem.Core.Config.Sections.Dns;
using Tandem.Core.Config.Sections.Forecast;
using Tandem.Core.Config.Sections.Health;
using Tandem.Core.Config.Sections.Listeners;
using Tandem.Core.Config.Sections.Logging;
using Tandem.Core.Config.Sections.Metrics;
using Tandem.Core.Config.Sections.Pair;
using Tandem.Core.Config.Sections.Policies;
using Tandem.Core.Config.Sections.Pools;

namespace Tandem.Core.Config.Sections;

/// <summary>
/// The top of a config file: a table of the top-level keys, each with the binder of its section (in the folder named
/// after it) and the property of <see cref="TandemConfig"/> it fills. The table is the schema's order, which is also the
/// order keys are read in; problems are sorted by position afterwards, so it only orders problems at one position
/// (two missing required keys). Cross-references between sections are resolved at the end (<see cref="ConfigCrossChecks"/>).
/// </summary>
internal static class RootBinder
{
    private static readonly SectionKeys Keys = new();

    private static readonly RootKey[] Table =
    [
        Section("listeners", static (root, node, path) => root.Config with { Listeners = root.Read(ListenerBinder.BindAll(root.Reader, root.Checks, node, path)) ?? [] }, required: true),
        Section("admin", static (root, node, path) => root.Config with { Admin = root.Read(AdminBinder.Bind(root.Reader, root.Checks, node, path)) }),
        Section("pools", static (root, node, path) => root.Config with { Pools = (root.Pools = root.Read(PoolBinder.BindAll(root.Reader, root.Checks, node, path))) ?? [] }, required: true),
        Value("drain-timeout", static (root, key) => root.Config with { DrainTimeout = root.Reader.Duration(root.Map, "", key) }),
        Section("pair", static (root, node, path) => root.Config with { Pair = root.Read(PairBinder.Bind(root.Reader, node, path)) }),
        Section("access-log", static (root, node, path) => root.Config with { AccessLog = root.Read(AccessLogBinder.Bind(root.Reader, node, path)) }),
        Section("metrics", static (root, node, path) => root.Config with { Metrics = root.Read(MetricsBinder.Bind(root.Reader, node, path)) }),
        Section("forecast", static (root, node, path) => root.Config with { Forecast = root.Read(ForecastBinder.Bind(root.Reader, node, path)) }),
        Section("alerts", static (root, node, path) => root.Config with { Alerts = root.Read(AlertsBinder.Bind(root.Reader, node, path, root.Pools)) }),
        Section("logging", static (root, node, path) => root.Config with { Logging = root.Read(LoggingBinder.Bind(root.Reader, node, path)) }),
        Value("resolver", static (root, key) => root.Config with { Resolver = ResolverBinder.Resolver(root.Reader, root.Map, key) }),
        Value("resolve-interval", static (root, key) => root.Config with { ResolveInterval = ResolverBinder.Interval(root.Reader, root.Map, key) }),
        Section("policies", static (root, node, path) => root.Config with { Policies = root.Read(PolicyBinder.BindAll(root.Reader, root.Checks.Policies, node, path)) }),
        Value("default-policy", static (root, key) => root.Config with { DefaultPolicy = PolicyBinder.Default(root.Reader, root.Map, key) ?? DefaultPolicy.Allow }),
        Value("trusted-proxies", static (root, key) => root.Config with { TrustedProxies = ConfigValues.Networks(root.Reader, ConfigReader.Value(root.Map, key), key.Name) }),
        Value("data-dir", static (root, key) => root.Config with { DataDir = DataDir(root.Reader, root.Map, key) }),
        Section("cache", static (root, node, path) => root.Config with { Cache = root.Read(CacheBinder.Bind(root.Reader, node, path)) }),
    ];

    /// <summary>The config in <paramref name="node"/>, or null when anything is wrong (every problem is in <paramref name="reader"/>).</summary>
    public static TandemConfig? Bind(ConfigReader reader, YamlNode node)
    {
        var map = reader.Mapping(node, "", Keys);
        if (map is null)
        {
            return null;
        }
        var root = new RootContext(reader, map);
        foreach (var row in Table)
        {
            row.Bind(root);
        }
        root.Checks.Finish();
        if (!root.Complete || root.Pools is null)
        {
            return null;
        }
        UdpHealthDefaults.Apply(root.Pools, root.Config.Listeners);
        return root.Config with { Pools = root.Pools };
    }

    /// <summary>A section: its binder runs when the key is present; a required one that is missing is reported.</summary>
    private static RootKey Section(string name, Func<RootContext, YamlNode, string, TandemConfig> bind, bool required = false) =>
        new(Keys.Add(name), (root, key) =>
        {
            var node = required ? root.Reader.Required(root.Map, "", key) : ConfigReader.Value(root.Map, key);
            if (node is not null)
            {
                return bind(root, node, key.Name);
            }
            if (required)
            {
                root.Missing();
            }
            return root.Config;
        });

    /// <summary>A key whose value is read from the top-level mapping itself, present or not.</summary>
    private static RootKey Value(string name, Func<RootContext, ConfigKey, TandemConfig> bind) => new(Keys.Add(name), bind);

    /// <summary>The top-level <c>data-dir</c>: where the node keeps state of its own; may not be empty.</summary>
    private static string? DataDir(ConfigReader reader, YamlMapping map, ConfigKey key)
    {
        var dataDir = reader.String(map, "", key);
        if (dataDir is { Length: 0 })
        {
            reader.Problem(ConfigReader.Value(map, key)!, key.Name, "must not be empty");
            return null;
        }
        return dataDir;
    }
}
