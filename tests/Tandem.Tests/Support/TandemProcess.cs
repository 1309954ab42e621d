using System.Diagnostics;

namespace Tandem.Tests.Support;

/// <summary>
/// The real <c>tandem</c> binary as a child process (<c>dotnet tandem.dll ARGS</c>), with stdout and stderr captured
/// line by line. Every wait is bounded; <see cref="Dispose"/> kills the process if it is still running.
/// </summary>
internal sealed class TandemProcess : IDisposable
{
    private static readonly TimeSpan DefaultExitTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();

    private TandemProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stderr];
            }
        }
    }

    public string Stdout => string.Join('\n', StdoutLines);

    public string Stderr => string.Join('\n', StderrLines);

    /// <summary>Starts <c>dotnet tandem.dll</c> from the test output directory (the project reference copies it there).</summary>
    public static TandemProcess Start(params string[] args) => Start(null, args);

    /// <summary>As <see cref="Start(string[])"/>, with extra environment variables (<c>Logging__LogLevel__Yarp</c>).</summary>
    public static TandemProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args) => StartUnder([], environment, args);

    /// <summary>
    /// As <see cref="Start(IReadOnlyDictionary{string, string}?, string[])"/>, through a launcher that execs it (same pid),
    /// such as <c>env --ignore-signal=HUP</c>, which is what <c>nohup</c> leaves a process with.
    /// </summary>
    public static TandemProcess StartUnder(string[] launcher, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tandem.dll");
        Assert.True(File.Exists(dll), $"tandem.dll not found next to the tests: {dll}");
        var info = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        if (launcher.Length > 0)
        {
            foreach (var part in launcher.AsSpan(1))
            {
                info.ArgumentList.Add(part);
            }
            info.ArgumentList.Add(DotnetHost());
        }
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        var tandem = new TandemProcess(process);
        process.OutputDataReceived += (_, e) => tandem.Append(tandem._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => tandem.Append(tandem._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tandem;
    }

    /// <summary>Runs a command that is expected to finish by itself, and waits for it.</summary>
    public static async Task<TandemProcess> RunToExitAsync(params string[] args)
    {
        var process = Start(args);
        await process.WaitForExitAsync();
        return process;
    }

    /// <summary>
    /// Starts a long-running command and waits for the stdout line saying it serves. Its ports were free a moment before
    /// start; when another process took one meanwhile (exit 1, "already in use"), it tries once more with new ones, which
    /// <paramref name="arguments"/> picks on each call.
    /// </summary>
    public static async Task<TandemProcess> StartServingAsync(Func<string[]> arguments, Func<string, bool> ready, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string[]? launcher = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = StartUnder(launcher ?? [], environment, arguments());
            if (await process.WaitForOutputAsync(ready, timeout))
            {
                return process;
            }
            var collided = process.HasExited && process.ExitCode == 1 && process.Stderr.Contains("already in use", StringComparison.Ordinal);
            var transcript = process.Transcript();
            process.Dispose();
            if (!collided || attempt == 2)
            {
                Assert.Fail($"tandem did not start serving within {timeout.TotalSeconds} s (attempt {attempt}).\n{transcript}");
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits for the process (and the end of its output); fails the test with its output if it outlives the bound.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        var bound = timeout ?? DefaultExitTimeout;
        using var cancel = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"tandem did not exit within {bound.TotalSeconds} s.\n{Transcript()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> would.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await kill.WaitForExitAsync(cancel.Token);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Waits until a line of stdout or stderr (where the diagnostic log goes) matches; false when the process exits
    /// first or the bound passes.
    /// </summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (StdoutLines.Any(match) || StderrLines.Any(match))
            {
                return true;
            }
            if (_process.HasExited)
            {
                // Let the last buffered lines arrive before the final look.
                await WaitForExitAsync(TimeSpan.FromSeconds(5));
                return StdoutLines.Any(match) || StderrLines.Any(match);
            }
            await Task.Delay(50);
        }
        return StdoutLines.Any(match) || StderrLines.Any(match);
    }

    /// <summary>Everything the process wrote, for failure messages.</summary>
    public string Transcript() => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
    }

    private void Append(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            lines.Add(line);
        }
    }

    /// <summary>The dotnet host running these tests, so the child uses the same runtime; plain <c>dotnet</c> otherwise.</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
