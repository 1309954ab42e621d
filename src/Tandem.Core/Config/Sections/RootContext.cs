namespace Tandem.Core.Config.Sections;

/// <summary>
/// What the top-level keys are read into, one row of <see cref="RootBinder"/>'s table at a time: the config so far, the
/// cross-section checks, and whether every section present could be read.
/// </summary>
internal sealed class RootContext(ConfigReader reader, YamlMapping map)
{
    public ConfigReader Reader => reader;

    /// <summary>The file's top-level mapping, for keys whose value is a single value (<c>drain-timeout</c>).</summary>
    public YamlMapping Map => map;

    public ConfigCrossChecks Checks { get; } = new(reader);

    /// <summary>The config as read so far; each row sets its own property.</summary>
    public TandemConfig Config { get; set; } = new() { Listeners = [], Pools = [] };

    /// <summary>The pools as read, or null when absent or wrong: alert rules check their <c>pool</c> against them.</summary>
    public List<PoolConfig>? Pools { get; set; }

    /// <summary>False once a section was present but could not be read (its problems are already reported).</summary>
    public bool Complete { get; private set; } = true;

    /// <summary>A section's value as its binder returned it, noting when it is null (the binder reported why).</summary>
    public T? Read<T>(T? value)
        where T : class
    {
        Complete &= value is not null;
        return value;
    }

    /// <summary>Notes a required section that is missing (already reported).</summary>
    public void Missing() => Complete = false;
}
