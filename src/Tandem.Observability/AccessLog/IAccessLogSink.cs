namespace Tandem.Observability.AccessLog;

/// <summary>Where formatted lines go; used by the writer thread only.</summary>
internal interface IAccessLogSink : IDisposable
{
    /// <summary>A name for log lines: the file path or "stdout".</summary>
    string Target { get; }

    /// <summary>Writes whole lines.</summary>
    void Write(ReadOnlySpan<byte> lines);

    void Flush();

    /// <summary>Closes and opens the file again (after it was moved away by logrotate).</summary>
    void Reopen();
}

/// <summary>Standard output; never rotated.</summary>
internal sealed class StdoutSink : IAccessLogSink
{
    private readonly Stream _stdout = Console.OpenStandardOutput();

    public string Target => "stdout";

    public void Write(ReadOnlySpan<byte> lines) => _stdout.Write(lines);

    public void Flush() => _stdout.Flush();

    public void Reopen()
    {
    }

    public void Dispose() => _stdout.Dispose();
}
