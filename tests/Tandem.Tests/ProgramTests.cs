using Tandem.Tests.Support;

namespace Tandem.Tests;

public sealed class ProgramTests
{
    [Fact]
    public async Task Help_Root_Exits0ListingEveryCommand()
    {
        using var tandem = await TandemProcess.RunToExitAsync("--help");

        Assert.Equal(0, tandem.ExitCode);
        Assert.Contains("Usage:", tandem.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "demo", "run", "validate" })
        {
            Assert.Contains(tandem.StdoutLines, line => line.TrimStart().StartsWith(command + " ", StringComparison.Ordinal));
        }
        Assert.Empty(tandem.StderrLines);
    }

    [Fact]
    public async Task Help_RunCommand_Exits0ListingItsOptions()
    {
        using var tandem = await TandemProcess.RunToExitAsync("run", "--help");

        Assert.Equal(0, tandem.ExitCode);
        Assert.Contains("--config", tandem.Stdout, StringComparison.Ordinal);
        Assert.Contains("--no-warmup", tandem.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_Exits2WithMessageOnStderr()
    {
        using var tandem = await TandemProcess.RunToExitAsync("frobnicate");

        Assert.Equal(2, tandem.ExitCode);
        Assert.Contains("frobnicate", tandem.Stderr, StringComparison.Ordinal);
        Assert.Equal("Run 'tandem --help' for usage.", tandem.StderrLines[^1]);
    }
}
