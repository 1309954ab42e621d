using System.Buffers;

namespace Tandem.Proxy.Forwarding.Http11;

/// <summary>
/// Byte classes of HTTP/1.1 syntax shared by <see cref="ResponseHeadParser"/> and <see cref="ChunkedDecoder"/>:
/// tokens (RFC 9110 §5.6.2) and field-value bytes (RFC 9110 §5.5). Built once; lookups allocate nothing.
/// </summary>
internal static class HttpSyntax
{
    public const byte CR = (byte)'\r';
    public const byte LF = (byte)'\n';
    public const byte SP = (byte)' ';
    public const byte HTAB = (byte)'\t';

    /// <summary>tchar: the bytes of a field name, a chunk-extension name or a token value.</summary>
    public static readonly SearchValues<byte> Token =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>field-vchar, SP and HTAB (VCHAR 0x21-0x7E, obs-text 0x80-0xFF): every byte a field value or reason phrase may hold.</summary>
    public static readonly SearchValues<byte> FieldValue = SearchValues.Create(FieldValueBytes());

    public static bool IsWhitespace(byte b) => b is SP or HTAB;

    public static bool IsToken(byte b) => Token.Contains(b);

    public static bool IsFieldValue(byte b) => FieldValue.Contains(b);

    /// <summary>The value of a hex digit, or -1.</summary>
    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static byte[] FieldValueBytes()
    {
        var bytes = new List<byte> { HTAB, SP };
        for (var b = 0x21; b <= 0xFF; b++)
        {
            if (b != 0x7F)
            {
                bytes.Add((byte)b);
            }
        }
        return [.. bytes];
    }
}
