using System.Globalization;

namespace Tandem.Core.Config.Sections.Pools;

/// <summary>The server names of one pool: valid characters and no duplicates (an unnamed server is named by its address).</summary>
internal sealed class ServerNames(ConfigReader reader, string? pool)
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public string? Check(YamlMapping map, string path, ConfigKey nameKey, ConfigKey addressKey, string? defaultName, YamlScalar? addressNode)
    {
        var explicitNode = reader.Scalar(ConfigReader.Value(map, nameKey), nameKey.At(path));
        var name = explicitNode?.Text ?? defaultName;
        var at = (YamlNode?)explicitNode ?? addressNode;
        if (name is null || at is null)
        {
            return null;
        }
        if (explicitNode is not null && !NameRules.IsValid(name, NameRules.Server, out var error))
        {
            reader.Problem(explicitNode, nameKey.At(path), error);
            return null;
        }
        if (_seen.TryGetValue(name, out var firstLine))
        {
            var key = explicitNode is null ? addressKey : nameKey;
            reader.Problem(at, key.At(path),
                string.Create(CultureInfo.InvariantCulture, $"duplicate server name '{name}' in pool '{pool}' (first defined at line {firstLine})"));
            return null;
        }
        _seen[name] = at.Line;
        return name;
    }
}
