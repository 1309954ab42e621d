using System.Globalization;
using System.Net;

namespace Tandem.Core.Config;

/// <summary>
/// Values that several sections read the same way (lists of items, sizes, networks, header tokens), with the same
/// messages wherever they appear. Like <see cref="ConfigReader"/>'s accessors, each reports what is wrong and returns null.
/// </summary>
internal static class ConfigValues
{
    /// <summary>A non-empty list whose items <paramref name="bindItem"/> reads; null when absent or when any item is wrong.</summary>
    public static List<T>? List<T>(ConfigReader reader, YamlNode? node, string path, string emptyMessage, Func<YamlNode, string, T?> bindItem)
        where T : class
    {
        var sequence = reader.Sequence(node, path);
        if (sequence is null)
        {
            return null;
        }
        if (sequence.Items.Count == 0)
        {
            reader.Problem(sequence, path, emptyMessage);
            return null;
        }
        var items = new List<T>(sequence.Items.Count);
        var complete = true;
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = bindItem(sequence.Items[i], ConfigReader.Item(path, i));
            if (item is null)
            {
                complete = false;
            }
            else
            {
                items.Add(item);
            }
        }
        return complete ? items : null;
    }

    /// <summary>A size such as <c>100MB</c>, <c>512KB</c>, <c>1GB</c> or plain bytes; units are powers of 1024; at least 1KB.</summary>
    public static long? ByteSize(ConfigReader reader, YamlMapping map, string path, ConfigKey key)
    {
        var scalar = reader.Scalar(ConfigReader.Value(map, key), key.At(path));
        if (scalar is null)
        {
            return null;
        }
        var text = scalar.Text.Trim();
        var (digits, unit) = SplitUnit(text);
        long multiplier = unit.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1L << 10,
            "M" or "MB" => 1L << 20,
            "G" or "GB" => 1L << 30,
            _ => 0,
        };
        if (multiplier == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue / multiplier)
        {
            reader.Problem(scalar, key.At(path), $"bad size '{scalar.Text}'; write e.g. 100MB, 512KB, 1GB or a number of bytes");
            return null;
        }
        var bytes = number * multiplier;
        if (bytes < 1024)
        {
            reader.Problem(scalar, key.At(path), $"must be at least 1KB, got '{scalar.Text}'");
            return null;
        }
        return bytes;
    }

    /// <summary><c>max-body</c> of a listener or a route: a size (at least 1KB) or <c>unlimited</c> (<see cref="long.MaxValue"/>).</summary>
    public static long? BodyLimit(ConfigReader reader, YamlMapping map, string path, ConfigKey key) =>
        ConfigReader.Value(map, key) is YamlScalar { Text: "unlimited" } ? long.MaxValue : ByteSize(reader, map, path, key);

    /// <summary>A CIDR list (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>; a bare address is one host); null when absent.</summary>
    public static IReadOnlyList<IPNetwork>? Networks(ConfigReader reader, YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        var networks = new List<IPNetwork>();
        foreach (var (scalar, itemPath) in Scalars(reader, node, path))
        {
            if (TryNetwork(scalar.Text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                reader.Problem(scalar, itemPath, $"bad CIDR '{scalar.Text}'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32");
            }
        }
        return networks;
    }

    /// <summary>A scalar or a list of scalars, each with its key path (<c>a.b</c> or <c>a.b[1]</c>).</summary>
    public static List<(YamlScalar Node, string Path)> Scalars(ConfigReader reader, YamlNode node, string path)
    {
        var items = new List<(YamlScalar, string)>();
        if (node is YamlSequence sequence)
        {
            for (var i = 0; i < sequence.Items.Count; i++)
            {
                var itemPath = ConfigReader.Item(path, i);
                if (reader.Scalar(sequence.Items[i], itemPath) is { IsNull: false } scalar)
                {
                    items.Add((scalar, itemPath));
                }
            }
        }
        else if (reader.Scalar(node, path) is { } scalar)
        {
            items.Add((scalar, path));
        }
        return items;
    }

    /// <summary>An HTTP token such as a header name or a method; <paramref name="what"/> names it in the message.</summary>
    public static string? Token(ConfigReader reader, YamlScalar scalar, string path, string what)
    {
        if (HashKey.TryParse("header:" + scalar.Text) is null)
        {
            reader.Problem(scalar, path, $"'{scalar.Text}' is not a valid {what} (letters, digits and !#$%&'*+-.^_`|~)");
            return null;
        }
        return scalar.Text;
    }

    /// <summary>Reports <paramref name="key"/> with <paramref name="message"/> when it is present (a key that does not apply here).</summary>
    public static bool NotHere(ConfigReader reader, YamlMapping map, string path, ConfigKey key, string message)
    {
        if (ConfigReader.Value(map, key) is not { } node)
        {
            return true;
        }
        reader.Problem(node, key.At(path), message);
        return false;
    }

    private static bool TryNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }
        // IPNetwork refuses host bits below the prefix; a bare address means that one host.
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

    private static (string Digits, string Unit) SplitUnit(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        return (text[..i], text[i..].Trim());
    }
}
