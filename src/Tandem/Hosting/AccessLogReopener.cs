using System.Runtime.InteropServices;
using Tandem.Observability.AccessLog;

namespace Tandem.Hosting;

/// <summary>
/// SIGHUP reopens the access log file, so logrotate can move it away and signal (its <c>postrotate</c>). The config
/// watcher handles the same signal (it re-reads the config); .NET calls every registration of a signal, so one SIGHUP
/// does both, as nginx's HUP reloads and its USR1 reopens. Reopening an unchanged file is harmless.
/// </summary>
internal sealed class AccessLogReopener : IDisposable
{
    private readonly PosixSignalRegistration? _sighup;

    public AccessLogReopener(AccessLogWriter accessLog)
    {
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                accessLog.Reopen();
            });
        }
    }

    public void Dispose() => _sighup?.Dispose();
}
