namespace Tandem.Core.Config;

/// <summary>
/// A condition on a named header or query parameter: <c>NAME: value</c> (exact, case-sensitive),
/// <c>NAME: { regex: "..." }</c> or <c>NAME: { present: true }</c>.
/// </summary>
public sealed record NamedValueMatch(string Name, string? Exact, string? Regex);
