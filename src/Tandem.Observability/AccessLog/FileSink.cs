using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Tandem.Observability.AccessLog;

/// <summary>
/// An append-only file, rotated by size: when it has grown past <c>max-size</c>, <c>log.(N-1)</c> becomes <c>log.N</c>
/// ... <c>log</c> becomes <c>log.1</c>, and a new <c>log</c> is started; at most <c>max-files</c> old files are kept.
/// <see cref="Reopen"/> starts writing to whatever is at the path now (after an outside tool moved the file).
/// Concurrency: the writer thread only.
/// </summary>
internal sealed class FileSink : IAccessLogSink
{
    private readonly long _maxSize;
    private readonly int _maxFiles;
    private readonly ILogger _logger;
    private FileStream _file;

    public FileSink(string path, long maxSize, int maxFiles, ILogger logger)
    {
        Target = Path.GetFullPath(path);
        _maxSize = maxSize;
        _maxFiles = maxFiles;
        _logger = logger;
        _file = Open(Target);
    }

    public string Target { get; }

    public void Write(ReadOnlySpan<byte> lines)
    {
        _file.Write(lines);
        if (_file.Position >= _maxSize)
        {
            Rotate();
        }
    }

    public void Flush() => _file.Flush();

    public void Reopen()
    {
        _file.Dispose();
        _file = Open(Target);
        AccessLogLog.Reopened(_logger, Target);
    }

    private void Rotate()
    {
        var size = _file.Position;
        _file.Dispose();
        for (var i = _maxFiles - 1; i >= 1; i--)
        {
            var from = Numbered(i);
            if (File.Exists(from))
            {
                File.Move(from, Numbered(i + 1), overwrite: true);
            }
        }
        File.Move(Target, Numbered(1), overwrite: true);
        _file = Open(Target);
        AccessLogLog.Rotated(_logger, Target, size);
    }

    private string Numbered(int i) => Target + "." + i.ToString(CultureInfo.InvariantCulture);

    private static FileStream Open(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        return file;
    }

    public void Dispose() => _file.Dispose();
}
