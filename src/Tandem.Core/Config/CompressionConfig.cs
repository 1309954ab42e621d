namespace Tandem.Core.Config;

/// <summary>
/// A route's <c>compression</c> (<c>true</c>, or <c>{ types, level, min-size }</c>): Tandem compresses the server's
/// responses with brotli or gzip, as the client accepts, when the server did not compress them itself.
/// </summary>
public sealed record CompressionConfig
{
    /// <summary>The media types compressed when <c>types</c> is not given; <c>text/*</c> leaves out <c>text/event-stream</c>.</summary>
    public static readonly IReadOnlyList<string> DefaultTypes =
    [
        "text/*", "application/json", "application/javascript", "application/xml", "application/xhtml+xml", "application/rss+xml",
        "application/atom+xml", "application/ld+json", "application/manifest+json", "application/problem+json", "application/wasm",
        "image/svg+xml",
    ];

    /// <summary>Bodies whose declared length is below this are sent as they are (compression would not pay); default 1 KB.</summary>
    public const long DefaultMinSize = 1024;

    /// <summary>Key <c>types</c>: media types (<c>application/json</c>) or families (<c>text/*</c>); lower-case.</summary>
    public IReadOnlyList<string> Types { get; init; } = DefaultTypes;

    /// <summary>Key <c>level</c>: <c>fastest</c> (default) or <c>optimal</c>.</summary>
    public CompressionEffort Level { get; init; } = CompressionEffort.Fastest;

    /// <summary>Key <c>min-size</c>: see <see cref="DefaultMinSize"/>.</summary>
    public long MinSize { get; init; } = DefaultMinSize;
}
