using System.Diagnostics;
using Tandem.Testing;

namespace Tandem.Tests.Install;

/// <summary>The .NET tool package, installed as a user would (eng/tool-install-check.sh), runs.</summary>
public sealed class ToolInstallTests
{
    [RequiresFact("bash", "dotnet")]
    public async Task ToolPackage_InstalledFromLocalFeedIntoEmptyHome_ValidatesAConfig()
    {
        var script = Path.Combine(RepositoryRoot(), "eng", "tool-install-check.sh");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Packing builds the whole host in Release: minutes on a loaded 2-core machine.
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"tool-install-check.sh did not finish within 10 minutes\n{await stdout}\n{await stderr}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await stderr}");
        Assert.Matches(@"tandem\.yaml: valid: 1 listener, 1 pool, 1 server \(version [0-9a-f]{12}\)", output);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tandem.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tandem.slnx not found above " + AppContext.BaseDirectory);
    }
}
