using System.Globalization;

namespace Tandem.Core.Config;

/// <summary>
/// Typed access to a config's YAML nodes that never stops at a problem: each accessor records what is wrong (with the
/// key path and position) and returns null, so the loader reports every problem of a file at once.
/// </summary>
internal sealed class ConfigReader(string file)
{
    private readonly List<ConfigProblem> _problems = [];
    private readonly List<ConfigProblem> _warnings = [];

    public IReadOnlyList<ConfigProblem> Problems => _problems;

    /// <summary>Server addresses written as DNS names, for the check that they resolve (done apart: it needs the network).</summary>
    public List<BackendName> BackendNames { get; } = [];

    public void BackendName(string host, YamlNode at, string path, ResolveMode mode) => BackendNames.Add(new BackendName(host, file, at.Line, at.Column, path, mode));

    /// <summary>What is allowed but probably not meant (a route that can never match); the config still loads.</summary>
    public IReadOnlyList<ConfigProblem> Warnings => _warnings;

    public void Warning(int line, int column, string path, string message) => _warnings.Add(new ConfigProblem(file, line, column, path, message));

    public void Problem(YamlNode at, string path, string message) => _problems.Add(new ConfigProblem(file, at.Line, at.Column, path, message));

    public void Problem(int line, int column, string path, string message) => _problems.Add(new ConfigProblem(file, line, column, path, message));

    /// <summary>
    /// <paramref name="path"/>.<paramref name="key"/>; for keys the file chooses (a header name, a log category). A
    /// section's own keys say <see cref="ConfigKey.At"/>.
    /// </summary>
    public static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Item(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    /// <summary>The node as a mapping whose keys are all in <paramref name="keys"/>; reports unknown and duplicate keys.</summary>
    public YamlMapping? Mapping(YamlNode node, string path, SectionKeys keys)
    {
        var known = keys.Names;
        if (node is not YamlMapping mapping)
        {
            Problem(node, path, "expected a mapping");
            return null;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in mapping.Pairs)
        {
            var name = key.Text;
            if (!Contains(known, name))
            {
                var suggestion = Closest(name, known);
                Problem(key, Child(path, name), suggestion is null ? "unknown key" : $"unknown key; did you mean '{suggestion}'?");
            }
            else if (!seen.Add(name))
            {
                Problem(key, Child(path, name), "duplicate key");
            }
        }
        return mapping;
    }

    /// <summary>The value of <paramref name="key"/> (the first, if duplicated), or null when absent or YAML null.</summary>
    public static YamlNode? Value(YamlMapping mapping, ConfigKey key)
    {
        foreach (var (k, value) in mapping.Pairs)
        {
            if (string.Equals(k.Text, key.Name, StringComparison.Ordinal))
            {
                return value is YamlScalar { IsNull: true } ? null : value;
            }
        }
        return null;
    }

    public YamlNode? Required(YamlMapping mapping, string path, ConfigKey key)
    {
        var value = Value(mapping, key);
        if (value is null)
        {
            Problem(mapping, path, $"missing required key '{key.Name}'");
        }
        return value;
    }

    public YamlScalar? Scalar(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalar scalar)
        {
            return scalar;
        }
        // An unquoted [::] is a YAML list of one item, not an IPv6 address.
        Problem(node, path, node is YamlSequence { IsFlow: true, Items: [YamlScalar { Text: var inside }] } && inside.Contains(':', StringComparison.Ordinal)
            ? $"expected a single value; [{inside}] unquoted is a YAML list, quote it: \"[{inside}]\""
            : "expected a single value");
        return null;
    }

    public YamlSequence? Sequence(YamlNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (node is YamlSequence sequence)
        {
            return sequence;
        }
        Problem(node, path, "expected a list");
        return null;
    }

    public string? String(YamlMapping mapping, string path, ConfigKey key, bool required = false)
    {
        var node = required ? Required(mapping, path, key) : Value(mapping, key);
        return Scalar(node, key.At(path))?.Text;
    }

    public int? Int(YamlMapping mapping, string path, ConfigKey key, int min, int max)
    {
        var scalar = Scalar(Value(mapping, key), key.At(path));
        if (scalar is null)
        {
            return null;
        }
        if (!int.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Problem(scalar, key.At(path), $"expected an integer, got '{scalar.Text}'");
            return null;
        }
        if (value < min || value > max)
        {
            Problem(scalar, key.At(path), string.Create(CultureInfo.InvariantCulture, $"must be {min}..{max}, got {value}"));
            return null;
        }
        return value;
    }

    public bool? Bool(YamlMapping mapping, string path, ConfigKey key)
    {
        var scalar = Scalar(Value(mapping, key), key.At(path));
        switch (scalar?.Text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Problem(scalar, key.At(path), $"expected true or false, got '{scalar.Text}'");
                return null;
        }
    }

    public TimeSpan? Duration(YamlMapping mapping, string path, ConfigKey key)
    {
        var scalar = Scalar(Value(mapping, key), key.At(path));
        if (scalar is null)
        {
            return null;
        }
        if (!Config.Duration.TryParse(scalar.Text, out var value))
        {
            Problem(scalar, key.At(path), $"bad duration '{scalar.Text}'; {Config.Duration.Hint}");
            return null;
        }
        if (value <= TimeSpan.Zero)
        {
            Problem(scalar, key.At(path), $"must be greater than 0, got '{scalar.Text}'");
            return null;
        }
        return value;
    }

    /// <summary>A <c>host:port</c>; with <paramref name="bind"/>, the host must be an IP literal.</summary>
    public (HostPort Value, YamlScalar Node)? Address(YamlMapping mapping, string path, ConfigKey key, bool required, bool bind)
    {
        var node = required ? Required(mapping, path, key) : Value(mapping, key);
        var scalar = Scalar(node, key.At(path));
        if (scalar is null)
        {
            return null;
        }
        if (!HostPort.TryParse(scalar.Text, out var value, out var error))
        {
            Problem(scalar, key.At(path), $"bad address '{scalar.Text}': {error}");
            return null;
        }
        if (bind && value.Ip is null)
        {
            Problem(scalar, key.At(path), $"bad address '{scalar.Text}': bind needs an IP address such as 127.0.0.1, 0.0.0.0, [::1] or [::]");
            return null;
        }
        return (value, scalar);
    }

    /// <summary>
    /// A value from a fixed set; <paramref name="describe"/> words the error (e.g. "unknown protocol 'udp'; expected http
    /// or tcp").
    /// </summary>
    public T? Choice<T>(YamlMapping mapping, string path, ConfigKey key, Keywords<T> choices, Func<string, string> describe)
        where T : struct
    {
        var scalar = Scalar(Value(mapping, key), key.At(path));
        if (scalar is null)
        {
            return null;
        }
        if (choices.TryGetValue(scalar.Text, out var value))
        {
            return value;
        }
        Problem(scalar, key.At(path), describe(scalar.Text));
        return null;
    }

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (string.Equals(item, value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The known key within edit distance 2 of <paramref name="key"/> (ignoring case), closest first.</summary>
    internal static string? Closest(string key, IReadOnlyList<string> known)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var distance = Levenshtein(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
