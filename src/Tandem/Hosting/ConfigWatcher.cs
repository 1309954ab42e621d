using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;

namespace Tandem.Hosting;

/// <summary>
/// Hot reload. Checks the config file's content on a timer: this sees editors that replace the file, symlink swaps
/// (Kubernetes ConfigMaps) and network filesystems alike, where change notifications are unreliable. A new content
/// is applied once it reads the same on two consecutive checks, so a file caught half-written is neither applied nor
/// reported. SIGHUP applies the file at once, as with nginx. Each content is handled once: a rejected file is not
/// re-reported until it changes.
/// Concurrency: checks run one at a time (timer loop and SIGHUP share a semaphore).
/// </summary>
internal sealed class ConfigWatcher : IAsyncDisposable
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Func<ConfigLoadResult, Task<bool>> _apply;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration? _sighup;
    private string? _handled;
    private string? _seen;
    private string? _lastReadError;
    private Task _loop = Task.CompletedTask;

    public ConfigWatcher(string path, TimeProvider time, TimeSpan interval, bool handleSighup, Func<ConfigLoadResult, Task<bool>> apply, ILogger<ConfigWatcher> logger)
    {
        _path = path;
        _time = time;
        _interval = interval;
        _apply = apply;
        _logger = logger;
        _handled = _seen = TryRead(out var text) ? Hash(text) : null;
        if (handleSighup && !OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = CheckAsync(force: true);
            });
        }
    }

    public void Start() => _loop = LoopAsync();

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await CheckAsync(force: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads the file; applies it when it is new and stable (or when forced).</summary>
    internal async Task CheckAsync(bool force)
    {
        await _checking.WaitAsync(_stop.Token);
        try
        {
            if (!TryRead(out var text))
            {
                return;
            }
            var hash = Hash(text);
            var isNew = !string.Equals(hash, _handled, StringComparison.Ordinal);
            var isStable = string.Equals(hash, _seen, StringComparison.Ordinal);
            _seen = hash;
            if (!isNew || (!isStable && !force))
            {
                return;
            }
            _handled = hash;
            await _apply(ConfigLoader.Parse(text, _path));
        }
        finally
        {
            _checking.Release();
        }
    }

    private bool TryRead(out string text)
    {
        try
        {
            text = ConfigLoader.ReadText(_path);
            _lastReadError = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file being replaced can be briefly missing; say so once per distinct error, not every poll.
            if (!string.Equals(_lastReadError, ex.Message, StringComparison.Ordinal))
            {
                _lastReadError = ex.Message;
                HostLog.WatchFailed(_logger, _path, ex.Message);
            }
            text = "";
            return false;
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public async ValueTask DisposeAsync()
    {
        _sighup?.Dispose();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
