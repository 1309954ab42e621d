namespace Tandem.Core.Config.Sections;

/// <summary>One row of <see cref="RootBinder"/>'s table: a top-level key and what reads it into <see cref="RootContext.Config"/>.</summary>
internal sealed class RootKey(ConfigKey key, Func<RootContext, ConfigKey, TandemConfig> bind)
{
    public ConfigKey Key => key;

    public void Bind(RootContext root) => root.Config = bind(root, key);
}
