namespace Tandem.Core.Config;

/// <summary>How a pool keeps a client on the server it had (YAML <c>pools[].sticky</c>).</summary>
public sealed record StickyConfig
{
    /// <summary>Key <c>mode</c>: <see cref="StickyMode.Cookie"/> (the default) or <see cref="StickyMode.Table"/>.</summary>
    public StickyMode Mode { get; init; } = StickyMode.Cookie;

    /// <summary>Key <c>cookie</c>: the cookie Tandem sets in cookie mode; default <see cref="ConfigDefaults.StickyCookie"/>.</summary>
    public string? Cookie { get; init; }

    /// <summary>Key <c>key</c>: what table mode remembers a client by (<c>ip</c>, <c>header:NAME</c>, <c>cookie:NAME</c>); default ip.</summary>
    public HashKey? Key { get; init; }

    /// <summary>Key <c>ttl</c>: table mode forgets a client idle this long (default 30 min); cookie mode sets it as Max-Age (default: a session cookie).</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Key <c>size</c>: table mode remembers at most this many clients, forgetting the least recently seen first; default 100000.</summary>
    public int? Size { get; init; }
}
