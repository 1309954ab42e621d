using System.Globalization;

namespace Tandem.Pair.Vip;

/// <summary>
/// Writes what keepalived tracks: the health track file (only when the value changes, since keepalived rereads it on
/// every write) and the heartbeat (unix milliseconds, on every call, for the alive-check script).
/// Concurrency: one writer (the VIP service's timer, or StopAsync after the timer is stopped).
/// </summary>
internal sealed class TrackFileWriter(KeepalivedFiles files, TimeProvider time)
{
    private int? _written;

    /// <summary>The value last written to the track file; null before the first write.</summary>
    public int? Value => _written;

    /// <summary>Writes <paramref name="value"/> to the track file unless it is already there.</summary>
    /// <returns>True when the file was written.</returns>
    public bool WriteHealth(int value)
    {
        if (_written == value)
        {
            return false;
        }
        // In place, not by rename: keepalived watches the file itself with inotify.
        File.WriteAllText(files.Health, value.ToString(CultureInfo.InvariantCulture) + "\n");
        _written = value;
        return true;
    }

    /// <summary>Refreshes the heartbeat: the current time in unix milliseconds, written then renamed into place.</summary>
    public void Beat()
    {
        var temp = files.Heartbeat + ".tmp";
        File.WriteAllText(temp, time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temp, files.Heartbeat, overwrite: true);
    }
}
