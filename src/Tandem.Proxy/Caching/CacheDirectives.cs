using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Tandem.Proxy.Caching;

/// <summary>
/// The directives of a <c>Cache-Control</c> header (RFC 9111 §5.2), request or response, parsed once. Unknown
/// directives are ignored; a malformed delta-seconds is ignored too, except that a bad <c>max-age</c> on a response makes
/// it stale (§4.2.1: a cache should treat it as stale). Immutable value.
/// </summary>
internal readonly record struct CacheDirectives
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    public bool NoStore { get; init; }
    public bool NoCache { get; init; }
    public bool Private { get; init; }
    public bool Public { get; init; }
    public bool MustRevalidate { get; init; }
    public bool ProxyRevalidate { get; init; }
    public bool OnlyIfCached { get; init; }
    public TimeSpan? MaxAge { get; init; }
    public TimeSpan? SharedMaxAge { get; init; }

    /// <summary>Request <c>max-stale</c>; <see cref="TimeSpan.MaxValue"/> when written without a value (any staleness).</summary>
    public TimeSpan? MaxStale { get; init; }
    public TimeSpan? MinFresh { get; init; }
    public TimeSpan? StaleWhileRevalidate { get; init; }
    public TimeSpan? StaleIfError { get; init; }

    public static CacheDirectives Parse(StringValues header)
    {
        var result = new CacheDirectives();
        foreach (var value in header)
        {
            if (value is null)
            {
                continue;
            }
            foreach (var range in value.AsSpan().Split(','))
            {
                result = With(result, value.AsSpan()[range].Trim());
            }
        }
        return result;
    }

    private static CacheDirectives With(CacheDirectives d, ReadOnlySpan<char> item)
    {
        var eq = item.IndexOf('=');
        var name = (eq < 0 ? item : item[..eq]).Trim();
        var argument = eq < 0 ? default : item[(eq + 1)..].Trim().Trim('"');
        if (Is(name, "no-store")) { return d with { NoStore = true }; }
        if (Is(name, "no-cache")) { return d with { NoCache = true }; }
        if (Is(name, "private")) { return d with { Private = true }; }
        if (Is(name, "public")) { return d with { Public = true }; }
        if (Is(name, "must-revalidate")) { return d with { MustRevalidate = true }; }
        if (Is(name, "proxy-revalidate")) { return d with { ProxyRevalidate = true }; }
        if (Is(name, "only-if-cached")) { return d with { OnlyIfCached = true }; }
        if (Is(name, "max-age")) { return d with { MaxAge = Seconds(argument) ?? TimeSpan.Zero }; }
        if (Is(name, "s-maxage")) { return d with { SharedMaxAge = Seconds(argument) ?? TimeSpan.Zero }; }
        if (Is(name, "max-stale")) { return d with { MaxStale = eq < 0 ? TimeSpan.MaxValue : Seconds(argument) ?? d.MaxStale }; }
        if (Is(name, "min-fresh")) { return d with { MinFresh = Seconds(argument) ?? d.MinFresh }; }
        if (Is(name, "stale-while-revalidate")) { return d with { StaleWhileRevalidate = Seconds(argument) ?? d.StaleWhileRevalidate }; }
        if (Is(name, "stale-if-error")) { return d with { StaleIfError = Seconds(argument) ?? d.StaleIfError }; }
        return d;
    }

    private static bool Is(ReadOnlySpan<char> name, string directive) => name.Equals(directive, StringComparison.OrdinalIgnoreCase);

    /// <summary>delta-seconds; values too large for the clock are capped (§1.2.2), anything else not a number is null.</summary>
    private static TimeSpan? Seconds(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.IndexOfAnyExcept(Digits) >= 0)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < int.MaxValue
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(int.MaxValue);
    }
}
