namespace Tandem.Core.Config;

/// <summary>
/// One key of a config section, spelled once: the section's <see cref="SectionKeys"/> accepts it, the typed readers of
/// <see cref="ConfigReader"/> find its value with it, and problems name it in their path. Made by <see cref="SectionKeys.Add"/>.
/// </summary>
internal sealed class ConfigKey
{
    internal ConfigKey(string name) => Name = name;

    /// <summary>The key as written in YAML, e.g. <c>peer-timeout</c>.</summary>
    public string Name { get; }

    /// <summary>The key's path under <paramref name="path"/> (the section's own path), e.g. <c>pair.peer-timeout</c>.</summary>
    public string At(string path) => ConfigReader.Child(path, Name);

    public override string ToString() => Name;
}
