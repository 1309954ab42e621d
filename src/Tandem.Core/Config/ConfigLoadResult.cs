namespace Tandem.Core.Config;

/// <summary>The outcome of loading a config: the config when there were no problems, otherwise every problem found.</summary>
public sealed record ConfigLoadResult(TandemConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Config is not null && Problems.Count == 0;

    /// <summary>Server addresses written as DNS names; checked apart from parsing because resolving needs the network.</summary>
    public IReadOnlyList<BackendName> Names { get; init; } = [];

    /// <summary>What is allowed but probably not meant (a route that can never match), in document order; never stops a load.</summary>
    public IReadOnlyList<ConfigProblem> Warnings { get; init; } = [];
}
