using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Tandem.Pair.Vip;

/// <summary>
/// Runs keepalived (VRRP only, in the foreground, logging to stderr) as a child process: restarts it with backoff when it
/// dies, logs its output, and stops it with SIGTERM (then SIGKILL after 3 s). Its pid files live in the node's runtime
/// dir, so two instances on one host do not collide.
/// Concurrency: Start and StopAsync are called once each, from the node's start and stop; the restart loop is one task.
/// </summary>
internal sealed class KeepalivedSupervisor(string binary, KeepalivedFiles files, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TermGrace = TimeSpan.FromSeconds(3);
    private readonly CancellationTokenSource _stop = new();
    private Process? _current;
    private Task? _loop;

    /// <summary>Raised (on the supervisor's task) when keepalived exited unexpectedly: the node holds no VIP until it is back.</summary>
    public event Action? Died;

    /// <summary>Looks for keepalived: <paramref name="configured"/> (pair.keepalived) when set, else PATH, /usr/sbin, /sbin.</summary>
    /// <exception cref="VipStartException">Not found; the message names the binary and the package.</exception>
    public static string FindBinary(string? configured)
    {
        if (configured is not null)
        {
            return File.Exists(configured)
                ? configured
                : throw new VipStartException($"pair.keepalived: {configured} does not exist (install keepalived: apt-get install keepalived)");
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]))
        {
            var candidate = Path.Combine(dir, "keepalived");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new VipStartException("keepalived not found on PATH or in /usr/sbin; pair.vip needs it: apt-get install keepalived (or set pair.keepalived)");
    }

    /// <summary>Stops a keepalived that an earlier, killed Tandem left running with this runtime dir, then starts ours.</summary>
    /// <exception cref="VipStartException">keepalived could not be started.</exception>
    public async Task StartAsync()
    {
        await StopLeftoverAsync();
        try
        {
            _current = Launch();
        }
        catch (Win32Exception ex)
        {
            throw new VipStartException($"cannot start {binary}: {ex.Message} (install keepalived: apt-get install keepalived)", ex);
        }
        _loop = Task.Run(() => SuperviseAsync(_current, _stop.Token));
    }

    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync();
        if (_current is { } process)
        {
            await TerminateAsync(process);
        }
        if (_loop is not null)
        {
            await _loop;
        }
        VipLog.KeepalivedStopped(logger);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _current?.Dispose();
        _stop.Dispose();
    }

    private Process Launch()
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--dont-fork", "--log-console", "--log-detail", "--no-syslog", "--vrrp",
                     "--use-file", files.Config, "--pid", files.Pid, "--vrrp_pid", files.VrrpPid })
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Output(e.Data);
        process.ErrorDataReceived += (_, e) => Output(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        VipLog.KeepalivedStarted(logger, process.Id, files.Config);
        return process;
    }

    private async Task SuperviseAsync(Process first, CancellationToken stop)
    {
        var process = first;
        var backoff = FirstBackoff;
        while (true)
        {
            var started = time.GetTimestamp();
            await process.WaitForExitAsync(CancellationToken.None);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            if (time.GetElapsedTime(started) > StableAfter)
            {
                backoff = FirstBackoff;
            }
            VipLog.KeepalivedDied(logger, process.ExitCode, (long)backoff.TotalMilliseconds);
            Died?.Invoke();
            while (true)
            {
                try
                {
                    await Task.Delay(backoff, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                try
                {
                    await StopLeftoverAsync();
                    var next = Launch();
                    var previous = process;
                    process = next;
                    _current = next;
                    previous.Dispose();
                    break;
                }
                catch (Win32Exception ex)
                {
                    VipLog.KeepalivedStartFailed(logger, ex.Message);
                }
            }
        }
    }

    private static async Task TerminateAsync(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }
            await SignalAsync(process.Id, "TERM");
            using var grace = new CancellationTokenSource(TermGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the signal.
        }
    }

    /// <summary>A keepalived whose pid file is ours and whose command line names our config: left by a killed Tandem.</summary>
    private async Task StopLeftoverAsync()
    {
        if (!File.Exists(files.Pid)
            || !int.TryParse(File.ReadAllText(files.Pid).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return;
        }
        string commandLine;
        try
        {
            commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (IOException)
        {
            return;
        }
        if (!commandLine.Contains(files.Config, StringComparison.Ordinal))
        {
            return;
        }
        VipLog.StaleKeepalived(logger, pid);
        await SignalAsync(pid, "TERM");
        for (var i = 0; i < 30 && Directory.Exists($"/proc/{pid}"); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
        }
        if (Directory.Exists($"/proc/{pid}"))
        {
            await SignalAsync(pid, "KILL");
        }
    }

    private static async Task SignalAsync(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await kill.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            kill.Kill();
        }
    }

    private void Output(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            VipLog.KeepalivedOutput(logger, line);
        }
    }
}

/// <summary>The VIP cannot be managed: keepalived is missing or its runtime dir cannot be written. <c>tandem run</c> exits 1.</summary>
public sealed class VipStartException : Exception
{
    public VipStartException(string message) : base(message)
    {
    }

    public VipStartException(string message, Exception inner) : base(message, inner)
    {
    }
}
