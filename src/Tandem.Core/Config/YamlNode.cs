namespace Tandem.Core.Config;

/// <summary>A YAML node with its position (1-based line and column), as the config loader needs it.</summary>
internal abstract record YamlNode(int Line, int Column);
