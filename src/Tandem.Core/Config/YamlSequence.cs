namespace Tandem.Core.Config;

/// <summary>A list; <c>IsFlow</c> when written inline (<c>[a, b]</c>) rather than as a block of <c>- </c> lines.</summary>
internal sealed record YamlSequence(int Line, int Column, IReadOnlyList<YamlNode> Items, bool IsFlow = false) : YamlNode(Line, Column);
