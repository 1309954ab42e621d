using Microsoft.Extensions.Logging;

namespace Tandem.Proxy.Tls;

/// <summary>
/// Calls back when any of a set of files changes, is replaced (editors and certbot write a new file and rename it) or
/// reappears. Changes within <see cref="Settle"/> of each other make one call, so a cert and key written one after the
/// other are loaded together. Disposing stops it.
/// </summary>
internal sealed class CertificateFileWatcher : IDisposable
{
    /// <summary>How long after the last change the files are read.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly HashSet<string> _files;
    private readonly ITimer _timer;

    public CertificateFileWatcher(IEnumerable<string> files, Action changed, TimeProvider time, ILogger logger, string listener)
    {
        _files = new HashSet<string>(files.Select(Path.GetFullPath), StringComparer.Ordinal);
        _timer = time.CreateTimer(_ => changed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var directory in _files.Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += OnEvent;
                watcher.Created += OnEvent;
                watcher.Renamed += OnEvent;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                TlsLog.WatchFailed(logger, listener, directory, ex.Message);
            }
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (_files.Contains(e.FullPath))
        {
            _timer.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }
        _timer.Dispose();
    }
}
