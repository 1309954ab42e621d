namespace Tandem.Core.Config;

/// <summary>
/// The access log (YAML <c>access-log</c>): one line per request, written off the request path. Without the section
/// there is no access log; with it, <see cref="Enabled"/> defaults to true.
/// </summary>
public sealed record AccessLogConfig
{
    /// <summary>Key <c>enabled</c>; true when absent (the section itself turns the log on).</summary>
    public bool? Enabled { get; init; }

    /// <summary>Key <c>path</c>: the file to append to; <c>-</c> or absent means standard output.</summary>
    public string? Path { get; init; }

    /// <summary>Key <c>format</c>: <c>json</c> (JSON lines, the default) or <c>combined</c> (nginx's combined format).</summary>
    public AccessLogFormat? Format { get; init; }

    /// <summary>Key <c>buffer</c>: entries that may wait for the writer; more are dropped and counted. <see cref="ConfigDefaults.AccessLogBuffer"/>.</summary>
    public int? Buffer { get; init; }

    /// <summary>Key <c>max-size</c> (e.g. <c>100MB</c>): the file is rotated once it grows past this; <see cref="ConfigDefaults.AccessLogMaxSize"/>.</summary>
    public long? MaxSize { get; init; }

    /// <summary>Key <c>max-files</c>: rotated files kept (<c>log.1</c> .. <c>log.N</c>); <see cref="ConfigDefaults.AccessLogMaxFiles"/>.</summary>
    public int? MaxFiles { get; init; }

    /// <summary>Whether lines go to standard output rather than a file.</summary>
    public bool ToStdout => Path is null or "-";
}
