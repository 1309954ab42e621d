using System.Diagnostics;

namespace Tandem.Testing;

/// <summary>
/// An outside server a test starts from a Debian package (redis-server, dnsmasq), killed (with its process tree) on
/// dispose; and <see cref="RunAsync"/> for client tools (redis-cli, dig), bounded by a timeout.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, for signals a test sends itself (SIGSTOP to make a server hang).</summary>
    public int Id => _process.Id;

    public static PeerProcess Start(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(Requirements.Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + tool);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PeerProcess(process);
    }

    /// <summary>Runs <paramref name="tool"/> to its end (killed after <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, TimeSpan timeout, string? input, params string[] args)
    {
        var info = new ProcessStartInfo(Requirements.Find(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + tool);
        using var limit = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }
        return (process.ExitCode, (await output) + (await error));
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
