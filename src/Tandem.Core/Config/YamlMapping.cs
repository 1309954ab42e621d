namespace Tandem.Core.Config;

/// <summary>A mapping that keeps every pair in order, duplicates included, so they can be reported rather than thrown on.</summary>
internal sealed record YamlMapping(int Line, int Column, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Pairs) : YamlNode(Line, Column);
