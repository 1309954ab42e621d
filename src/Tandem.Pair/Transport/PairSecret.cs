using System.Globalization;

namespace Tandem.Pair.Transport;

/// <summary>Reads the shared secret of <c>pair.secret-file</c>.</summary>
internal static class PairSecret
{
    /// <summary>The shortest secret accepted, in bytes after trimming whitespace: 128 bits.</summary>
    public const int MinimumBytes = 16;

    /// <summary>The file's bytes with surrounding ASCII whitespace (a trailing newline) trimmed.</summary>
    /// <exception cref="PairStartException">The file cannot be read or the secret is shorter than <see cref="MinimumBytes"/>.</exception>
    public static byte[] Read(string path)
    {
        byte[] raw;
        try
        {
            raw = Tandem.Core.Files.BoundedFile.ReadAllBytes(path, 64 * 1024, "a secret file");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PairStartException($"pair.secret-file: cannot read '{path}': {ex.Message}", ex);
        }
        var secret = raw.AsSpan().Trim(" \t\r\n"u8).ToArray();
        if (secret.Length < MinimumBytes)
        {
            throw new PairStartException(string.Create(CultureInfo.InvariantCulture,
                $"pair.secret-file: the secret in '{path}' is {secret.Length} bytes; it must be at least {MinimumBytes} (e.g. head -c 32 /dev/urandom | base64 > {path})"));
        }
        return secret;
    }
}
