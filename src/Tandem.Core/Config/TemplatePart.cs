namespace Tandem.Core.Config;

/// <summary>A literal piece of a template, or (<see cref="IsPlaceholder"/>) the name of a placeholder.</summary>
public readonly record struct TemplatePart(string Text, bool IsPlaceholder);
