using System.CommandLine;

namespace Tandem.Commands;

internal static class CommonOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The YAML config file.",
        Required = true,
    };
}

/// <summary>The process exit codes of INTERFACE.md.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int RuntimeFailure = 1;
    public const int BadConfig = 2;
    public const int BadUsage = 2;
}
