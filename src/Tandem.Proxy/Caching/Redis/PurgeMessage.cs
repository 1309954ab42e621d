using System.Diagnostics.CodeAnalysis;

namespace Tandem.Proxy.Caching.Redis;

/// <summary>
/// A purge as announced on the channel: <c>1\n{node}\n{kind}\n{value}</c> (the value last, so it may hold anything).
/// The leading version lets a later format be told apart; a message that does not parse is ignored.
/// </summary>
internal static class PurgeMessage
{
    private const string Version = "1";

    public static string Format(string node, CachePurge purge) => string.Join('\n', Version, node, KindName(purge.Kind), purge.Value);

    public static bool TryParse(string? text, [NotNullWhen(true)] out string? node, out CachePurge purge)
    {
        node = null;
        purge = default;
        var parts = text?.Split('\n', 4);
        if (parts is not [Version, var from, var kind, var value] || !TryKind(kind, out var parsed))
        {
            return false;
        }
        node = from;
        purge = new CachePurge(parsed, value);
        return true;
    }

    private static string KindName(CachePurgeKind kind) => kind switch
    {
        CachePurgeKind.Key => "key",
        CachePurgeKind.Prefix => "prefix",
        CachePurgeKind.Tag => "tag",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static bool TryKind(string name, out CachePurgeKind kind)
    {
        (var known, kind) = name switch
        {
            "key" => (true, CachePurgeKind.Key),
            "prefix" => (true, CachePurgeKind.Prefix),
            "tag" => (true, CachePurgeKind.Tag),
            _ => (false, default),
        };
        return known;
    }
}
