using System.Text;

namespace Tandem.Proxy.Caching;

/// <summary>
/// A stored response as the shared tier keeps it: a 3-byte magic and version (<c>TC</c>, 2), then status, request and
/// response times and the drop time (Unix milliseconds; version 1 has no drop time and is still read), headers, vary names and values, tags, and the body, with 7-bit length prefixes.
/// A value that is not exactly this (another program's, an older or newer version, cut short, bounds broken) reads as
/// null: a miss, never an exception. Stateless.
/// </summary>
internal static class CacheSerializer
{
    private const byte Version = 2;
    private const byte VersionWithoutDropTime = 1;
    private const int MaxItems = 4096;

    /// <summary>The bytes of <paramref name="response"/>, to be dropped at <paramref name="dropAt"/> by whoever reads them.</summary>
    public static byte[] Write(CachedResponse response, DateTimeOffset dropAt)
    {
        using var buffer = new MemoryStream((int)Math.Min(int.MaxValue, response.Size));
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)'T');
            writer.Write((byte)'C');
            writer.Write(Version);
            writer.Write7BitEncodedInt(response.Status);
            writer.Write(response.RequestTime.ToUnixTimeMilliseconds());
            writer.Write(response.ResponseTime.ToUnixTimeMilliseconds());
            writer.Write(dropAt.ToUnixTimeMilliseconds());
            writer.Write7BitEncodedInt(response.Headers.Length);
            foreach (var (name, values) in response.Headers)
            {
                writer.Write(name);
                Strings(writer, values);
            }
            Strings(writer, response.VaryNames);
            Strings(writer, response.VaryValues);
            Strings(writer, response.Tags);
            writer.Write7BitEncodedInt(response.Body.Length);
            writer.Write(response.Body);
        }
        return buffer.ToArray();
    }

    public static CachedResponse? Read(ReadOnlySpan<byte> value) => Read(value.ToArray(), out _);

    public static CachedResponse? Read(byte[]? value) => Read(value, out _);

    /// <summary>The response in <paramref name="value"/> and its drop time (null in a version 1 value); null when it is not one.</summary>
    public static CachedResponse? Read(byte[]? value, out DateTimeOffset? dropAt)
    {
        dropAt = null;
        if (value is null || value.Length < 3 || value[0] != (byte)'T' || value[1] != (byte)'C' || value[2] is not (Version or VersionWithoutDropTime))
        {
            return null;
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(value, 3, value.Length - 3, writable: false), Encoding.UTF8);
            var status = reader.Read7BitEncodedInt();
            if (status is < 0 or > 999)
            {
                return null;
            }
            var requestTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            var responseTime = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
            DateTimeOffset? drop = value[2] == Version ? DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64()) : null;
            var headerCount = Count(reader);
            var headers = new KeyValuePair<string, string[]>[headerCount];
            for (var i = 0; i < headerCount; i++)
            {
                headers[i] = new(reader.ReadString(), Strings(reader));
            }
            var varyNames = Strings(reader);
            var varyValues = Strings(reader);
            var tags = Strings(reader);
            var length = reader.Read7BitEncodedInt();
            if (length < 0 || length != reader.BaseStream.Length - reader.BaseStream.Position)
            {
                return null;
            }
            var body = reader.ReadBytes(length);
            if (varyNames.Length != varyValues.Length && status != 0)
            {
                return null;
            }
            dropAt = drop;
            return new CachedResponse(status, headers, body, requestTime, responseTime, varyNames, varyValues, tags);
        }
        catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException or IOException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static void Strings(BinaryWriter writer, string[] values)
    {
        writer.Write7BitEncodedInt(values.Length);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static string[] Strings(BinaryReader reader)
    {
        var count = Count(reader);
        var values = new string[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadString();
        }
        return values;
    }

    private static int Count(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        return count is < 0 or > MaxItems ? throw new FormatException("count out of bounds") : count;
    }
}
