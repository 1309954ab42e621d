namespace Tandem.Core.Config;

/// <summary>
/// The keys one section (or nested section) accepts, in the order the file's schema lists them. A binder declares its
/// keys once, as fields, and hands this table to <see cref="ConfigReader.Mapping(YamlNode, string, SectionKeys)"/> for the
/// unknown-key check and its "did you mean" suggestion (ties go to the key added first):
/// <code>
/// private static readonly SectionKeys Keys = new();
/// private static readonly ConfigKey Node = Keys.Add("node"), Peer = Keys.Add("peer");
/// </code>
/// A plain array of strings underneath: no reflection, no generic code over our own types, so start-up compiles nothing
/// for it (bench/README.md, "Start-up").
/// </summary>
internal sealed class SectionKeys
{
    private string[] _names = [];

    /// <summary>The accepted keys' names, in the order they were added.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Accepts <paramref name="name"/> in this section and returns the key to read it with.</summary>
    /// <exception cref="InvalidOperationException">The section already has the key (a mistake in a binder, found by any test that loads a config).</exception>
    public ConfigKey Add(string name)
    {
        if (Array.IndexOf(_names, name) >= 0)
        {
            throw new InvalidOperationException($"config key '{name}' is declared twice in one section");
        }
        Array.Resize(ref _names, _names.Length + 1);
        _names[^1] = name;
        return new ConfigKey(name);
    }
}
