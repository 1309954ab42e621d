namespace Tandem.Core.Config;

/// <summary>How hard a route's <c>compression</c> works.</summary>
public enum CompressionEffort
{
    /// <summary>Least CPU per byte (gzip level 1, brotli quality 1): what a proxy on the request path can afford.</summary>
    Fastest,

    /// <summary>A balance of size and CPU (the libraries' defaults).</summary>
    Optimal,
}
