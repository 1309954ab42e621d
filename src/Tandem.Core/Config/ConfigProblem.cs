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
