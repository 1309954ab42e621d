namespace Tandem.Fuzz;

/// <summary>
/// Runs saved inputs (the seed corpus, afl-fuzz's queue or crashes) through a target in-process: a regression check
/// that needs no afl-fuzz. Needs a build without instrumentation: an instrumented Tandem.Proxy.dll writes coverage to
/// afl-fuzz's shared memory, which outside afl-fuzz is not there (an access violation on the first parse).
/// </summary>
internal static class Replay
{
    /// <summary>Runs every file under <paramref name="directory"/>; prints each with ok or its failure, then a summary; 0 when none failed.</summary>
    public static int Run(FuzzTarget target, string directory, TextWriter output)
    {
        if (!Directory.Exists(directory))
        {
            output.WriteLine("replay: no directory " + directory);
            return 1;
        }
        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(path) != "README.txt") // afl-fuzz's note in crashes/
            .Order(StringComparer.Ordinal)
            .ToArray();
        var failed = 0;
        foreach (var path in files)
        {
            // The name goes out first: an uncatchable crash (a stack overflow) ends the process inside the target.
            output.Write(path);
            var failure = RunOne(target, File.ReadAllBytes(path));
            output.WriteLine(failure is null ? " ok" : " FAIL " + failure);
            failed += failure is null ? 0 : 1;
        }
        output.WriteLine($"replay: {files.Length} files, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>What the target threw on <paramref name="input"/>, or null when it held.</summary>
    public static Exception? RunOne(FuzzTarget target, byte[] input)
    {
        try
        {
            target(input);
            return null;
        }
#pragma warning disable CA1031 // Any exception is the finding: the parsers must never throw.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception;
        }
    }
}
