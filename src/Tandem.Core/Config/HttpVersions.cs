namespace Tandem.Core.Config;

/// <summary>Which HTTP versions a cleartext HTTP listener accepts.</summary>
public enum HttpVersions
{
    /// <summary>HTTP/1.1, and HTTP/2 for clients that open with the HTTP/2 preface (prior knowledge).</summary>
    Auto,

    /// <summary>HTTP/1.x only.</summary>
    Http1,

    /// <summary>HTTP/2 with prior knowledge only.</summary>
    H2c,
}
