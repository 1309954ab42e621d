using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Tandem.Core.Config;

namespace Tandem.Core.Pools;

/// <summary>
/// A pool's sticky cookie (<c>sticky: {mode: cookie}</c>): each server has an opaque token, the hash of the pool's
/// and the server's names, so it names no address, survives restarts and reloads, and is the same on both nodes of a
/// pair without any state to share. The <c>Set-Cookie</c> value of each server is built once.
/// </summary>
public sealed class StickyCookie
{
    private readonly ServerState[] _servers;
    private readonly string[] _tokens;
    private readonly string[] _setCookies;

    public StickyCookie(string pool, StickyConfig config, IReadOnlyList<ServerState> servers)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(servers);
        Name = config.Cookie ?? ConfigDefaults.StickyCookie;
        var attributes = "; Path=/; HttpOnly; SameSite=Lax";
        if (config.Ttl is { } ttl)
        {
            attributes += "; Max-Age=" + ((long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
        _servers = [.. servers];
        _tokens = new string[_servers.Length];
        _setCookies = new string[_servers.Length];
        for (var i = 0; i < _servers.Length; i++)
        {
            _tokens[i] = TokenOf(pool, _servers[i].Name);
            _setCookies[i] = Name + "=" + _tokens[i] + attributes;
        }
    }

    /// <summary>The cookie's name.</summary>
    public string Name { get; }

    /// <summary>The server whose token is <paramref name="token"/>, or null.</summary>
    public ServerState? Find(ReadOnlySpan<char> token)
    {
        for (var i = 0; i < _tokens.Length; i++)
        {
            if (token.SequenceEqual(_tokens[i]))
            {
                return _servers[i];
            }
        }
        return null;
    }

    /// <summary>The <c>Set-Cookie</c> header value that sends a client to <paramref name="server"/>.</summary>
    public string? SetCookieFor(ServerState server)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            if (ReferenceEquals(_servers[i], server))
            {
                return _setCookies[i];
            }
        }
        return null;
    }

    /// <summary>The token of a server: 16 hex digits of XXH3 over "POOL/SERVER".</summary>
    public static string TokenOf(string pool, string server) =>
        XxHash3.HashToUInt64(MemoryMarshal.AsBytes((pool + "/" + server).AsSpan())).ToString("x16", CultureInfo.InvariantCulture);
}
