using System.Buffers;
using System.Globalization;
using System.Text;

namespace Tandem.Core.Files;

/// <summary>
/// Reads a file Tandem is given (config, token, secret; certificates and key sets later) with a size limit, so a wrong
/// path such as <c>/dev/zero</c>, a FIFO that never ends or a huge file fails at once with a message instead of
/// exhausting memory. The length is counted while reading, never trusted from the file system (devices report 0).
/// </summary>
public static class BoundedFile
{
    /// <summary>The whole file, at most <paramref name="maxBytes"/> long.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most that will be read.</param>
    /// <param name="what">What the file is, for the message ("a config file").</param>
    /// <exception cref="FileTooLargeException">The file holds more than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="IOException">It cannot be read (also <see cref="UnauthorizedAccessException"/>).</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        var content = new MemoryStream();
        // Rented: the config watcher reads its file every poll, and a new 64 KB buffer each time was most of what an
        // idle node allocated (bench/README.md, "Allocations and memory per request").
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (content.Length + read > maxBytes)
                {
                    throw new FileTooLargeException(path, maxBytes, what);
                }
                content.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return content.ToArray();
    }

    /// <summary>The whole file as text (UTF-8 unless a byte order mark says otherwise), at most <paramref name="maxBytes"/> long.</summary>
    /// <inheritdoc cref="ReadAllBytes" path="/param"/>
    public static string ReadAllText(string path, long maxBytes, string what)
    {
        var bytes = ReadAllBytes(path, maxBytes, what);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>A size for messages: <c>16 MB</c>, <c>512 KB</c>, <c>100 bytes</c>.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 20 when bytes % (1L << 20) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 20} MB"),
        >= 1L << 10 when bytes % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes >> 10} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}

/// <summary>A file larger than Tandem will read; the message says which limit.</summary>
public sealed class FileTooLargeException(string path, long limit, string what)
    : IOException($"{path} is larger than {BoundedFile.Describe(limit)}, the most Tandem reads for {what}")
{
    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long Limit { get; } = limit;
}
