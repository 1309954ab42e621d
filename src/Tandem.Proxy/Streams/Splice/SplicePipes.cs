namespace Tandem.Proxy.Streams.Splice;

/// <summary>
/// The pipes splicing directions borrow: at most <see cref="MaxInUse"/> at once (two descriptors each; beyond it a
/// direction copies through a buffer instead), up to <see cref="MaxIdle"/> kept for reuse. A pipe that may still hold
/// bytes is closed, never reused. Once the kernel refuses splice on a socket (EINVAL, ENOSYS) no more pipes are lent.
/// Concurrency: any thread; one lock around the idle stack.
/// </summary>
internal static class SplicePipes
{
    public const int MaxInUse = 8192;
    public const int MaxIdle = 256;

    private static readonly Lock Gate = new();
    private static readonly Stack<SplicePipe> Idle = new();
    private static int s_inUse;
    private static long s_lent;
    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>Whether splice may be tried at all (Linux, and not refused by the kernel yet).</summary>
    public static bool Available => !s_unsupported;

    /// <summary>Pipes lent since start: how a test sees that splice was used.</summary>
    public static long Lent => Interlocked.Read(ref s_lent);

    /// <summary>A pipe to splice through, or null: not Linux, refused before, too many in use, or no descriptor left.</summary>
    public static SplicePipe? Rent()
    {
        if (s_unsupported)
        {
            return null;
        }
        lock (Gate)
        {
            if (s_inUse >= MaxInUse)
            {
                return null;
            }
            s_inUse++;
            s_lent++;
            if (Idle.TryPop(out var idle))
            {
                return idle;
            }
        }
        if (StreamNative.TryCreatePipe(out var readEnd, out var writeEnd, out _))
        {
            return new SplicePipe(readEnd, writeEnd);
        }
        lock (Gate)
        {
            s_inUse--;
            s_lent--;
        }
        return null;
    }

    /// <summary>Gives a pipe back; <paramref name="empty"/> false (a direction that failed mid-chunk) closes it.</summary>
    public static void Return(SplicePipe pipe, bool empty)
    {
        lock (Gate)
        {
            s_inUse--;
            if (empty && Idle.Count < MaxIdle)
            {
                Idle.Push(pipe);
                return;
            }
        }
        pipe.Close();
    }

    /// <summary>The kernel refused splice on a socket: every direction copies from now on.</summary>
    public static void MarkUnsupported() => s_unsupported = true;
}

/// <summary>The two ends of a nonblocking pipe. Concurrency: used by one direction at a time.</summary>
internal sealed class SplicePipe(int readEnd, int writeEnd)
{
    public int ReadEnd { get; } = readEnd;

    public int WriteEnd { get; } = writeEnd;

    public void Close()
    {
        StreamNative.Close(ReadEnd);
        StreamNative.Close(WriteEnd);
    }
}
