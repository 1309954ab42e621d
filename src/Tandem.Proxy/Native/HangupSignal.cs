using System.Runtime.InteropServices;

namespace Tandem.Proxy.Native;

/// <summary>
/// SIGHUP as a daemon wants it. A process started under <c>nohup</c> (or by a parent that ignores SIGHUP) inherits
/// SIGHUP ignored, and .NET keeps an inherited "ignore": a <see cref="PosixSignalRegistration"/> for SIGHUP then never
/// runs, so <c>kill -HUP</c> would silently neither reload the config nor reopen the access log. nginx handles SIGHUP
/// however it was started; so does Tandem, by resetting an inherited "ignore" to the default before registering.
/// </summary>
public static partial class HangupSignal
{
    private const int SigHup = 1;
    private static readonly nint SigDefault = 0;
    private static readonly nint SigIgnore = 1;

    /// <summary>
    /// Resets SIGHUP to its default action when it was inherited ignored; call before the first SIGHUP registration.
    /// True when it was ignored. Any other disposition (the default, or a handler) is left as it was.
    /// </summary>
    public static bool TakeBackIfIgnored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        var previous = Signal(SigHup, SigDefault);
        if (previous == SigIgnore)
        {
            return true;
        }
        if (previous != SigDefault && previous != -1)
        {
            Signal(SigHup, previous);
        }
        return false;
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
