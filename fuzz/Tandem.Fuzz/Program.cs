using SharpFuzz;

namespace Tandem.Fuzz;

/// <summary>
/// The fuzz harness of the upstream HTTP/1.1 parsers (see fuzz/README.md).
///   Tandem.Fuzz TARGET                under afl-fuzz: the SharpFuzz fork server, one input per run (alone: one input from stdin)
///   Tandem.Fuzz TARGET --replay DIR   every file in DIR through TARGET in-process; exit 1 if any fails
/// TARGET is response-head or chunked.
/// </summary>
internal static class Program
{
    private const int BadUsage = 2;

    public static int Main(string[] args)
    {
        if (args.Length is not (1 or 3) || !FuzzTargets.ByName.TryGetValue(args[0], out var target)
            || (args.Length == 3 && args[1] != "--replay"))
        {
            Console.Error.WriteLine("usage: Tandem.Fuzz TARGET [--replay DIR]   (TARGET: " + string.Join(", ", FuzzTargets.ByName.Keys) + ")");
            return BadUsage;
        }
        if (args.Length == 3)
        {
            return Replay.Run(target, args[2], Console.Out);
        }
        // Out of process: a stuck or crashed child is restarted instead of ending the whole afl-fuzz session.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;
    }
}
