using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Testing;

/// <summary>
/// A minimal HTTP/2 prior-knowledge client that sends one request with exactly the header bytes given (HPACK literals,
/// never indexed), which HttpClient refuses to write (names with a space, a colon or CR/LF), and reports which frame
/// types came back.
/// </summary>
public static class RawH2
{
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte GoAway = 0x7;

    /// <summary>What came back: the frame types received on stream 1 and on the connection, in order.</summary>
    public sealed record Outcome(IReadOnlyList<(byte Type, int Stream)> Frames)
    {
        /// <summary>Whether the request got a response (a HEADERS frame on stream 1).</summary>
        public bool Answered => Frames.Any(f => f.Type == Headers && f.Stream == 1);

        /// <summary>Whether the stream or the connection was failed (RST_STREAM on stream 1, or GOAWAY).</summary>
        public bool Failed => Frames.Any(f => (f.Type == RstStream && f.Stream == 1) || f.Type == GoAway);
    }

    /// <summary>Sends GET / with <paramref name="headers"/> after the pseudo-headers, as raw HPACK literals.</summary>
    public static async Task<Outcome> GetAsync(Uri server, IEnumerable<(string Name, string Value)> headers, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(headers);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), limit.Token);

        var block = new MemoryStream();
        block.WriteByte(0x82); // :method GET
        block.WriteByte(0x86); // :scheme http
        block.WriteByte(0x84); // :path /
        WriteLiteral(block, null, "localhost", indexedName: 1); // :authority
        foreach (var (name, value) in headers)
        {
            WriteLiteral(block, name, value);
        }
        var output = new MemoryStream();
        output.Write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
        WriteFrame(output, 0x4, 0, 0, []); // SETTINGS
        WriteFrame(output, Headers, 0x5, 1, block.ToArray()); // END_STREAM | END_HEADERS
        await socket.SendAsync(output.ToArray(), limit.Token);

        var frames = new List<(byte, int)>();
        var pending = new List<byte>();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!frames.Any(f => f.Item1 == GoAway || (f.Item2 == 1 && f.Item1 is Headers or RstStream)))
            {
                var read = await socket.ReceiveAsync(buffer, limit.Token);
                if (read == 0)
                {
                    break;
                }
                pending.AddRange(buffer.AsSpan(0, read));
                while (pending.Count >= 9)
                {
                    var length = (pending[0] << 16) | (pending[1] << 8) | pending[2];
                    if (pending.Count < 9 + length)
                    {
                        break;
                    }
                    var type = pending[3];
                    var stream = ((pending[5] & 0x7F) << 24) | (pending[6] << 16) | (pending[7] << 8) | pending[8];
                    frames.Add((type, stream));
                    pending.RemoveRange(0, 9 + length);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
        return new Outcome(frames);
    }

    private static void WriteLiteral(MemoryStream block, string? name, string value, int indexedName = 0)
    {
        // Literal header field never indexed (RFC 7541 section 6.2.3): 0001xxxx, name index or a literal name.
        WriteInteger(block, 0x10, 4, indexedName);
        if (indexedName == 0)
        {
            var nameBytes = Encoding.Latin1.GetBytes(name!);
            WriteInteger(block, 0, 7, nameBytes.Length);
            block.Write(nameBytes);
        }
        var valueBytes = Encoding.Latin1.GetBytes(value);
        WriteInteger(block, 0, 7, valueBytes.Length);
        block.Write(valueBytes);
    }

    private static void WriteInteger(MemoryStream block, byte flags, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.WriteByte((byte)(flags | value));
            return;
        }
        block.WriteByte((byte)(flags | max));
        value -= max;
        while (value >= 128)
        {
            block.WriteByte((byte)((value % 128) + 128));
            value /= 128;
        }
        block.WriteByte((byte)value);
    }

    private static void WriteFrame(MemoryStream output, byte type, byte flags, int stream, byte[] payload)
    {
        output.WriteByte((byte)(payload.Length >> 16));
        output.WriteByte((byte)(payload.Length >> 8));
        output.WriteByte((byte)payload.Length);
        output.WriteByte(type);
        output.WriteByte(flags);
        output.WriteByte((byte)(stream >> 24));
        output.WriteByte((byte)(stream >> 16));
        output.WriteByte((byte)(stream >> 8));
        output.WriteByte((byte)stream);
        output.Write(payload);
    }
}
