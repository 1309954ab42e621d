namespace Tandem.Core.Config;

/// <summary>
/// One thing wrong with a config file. Printed as <c>FILE:LINE:COLUMN: PATH: MESSAGE</c>, for example
/// <c>tandem.yaml:12:17: pools[0].servers[1].weight: must be 1..256, got 300</c>.
/// </summary>
public sealed record ConfigProblem(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>The outcome of loading a config: the config when there were no problems, otherwise every problem found.</summary>
public sealed record ConfigLoadResult(TandemConfig? Config, IReadOnlyList<ConfigProblem> Problems)
{
    public bool IsValid => Config is not null && Problems.Count == 0;

    /// <summary>Server addresses written as DNS names; checked apart from parsing because resolving needs the network.</summary>
    public IReadOnlyList<BackendName> Names { get; init; } = [];

    /// <summary>What is allowed but probably not meant (a route that can never match), in document order; never stops a load.</summary>
    public IReadOnlyList<ConfigProblem> Warnings { get; init; } = [];
}
