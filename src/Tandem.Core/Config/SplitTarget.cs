namespace Tandem.Core.Config;

/// <summary>One side of a <c>split</c>: a pool and its share.</summary>
public sealed record SplitTarget(string Pool, int Weight);
