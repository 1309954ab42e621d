namespace Tandem.Core.Config;

/// <summary>What an active health probe speaks (<c>pools[].health.type</c>).</summary>
public enum HealthCheckType
{
    /// <summary>HTTP GET of <c>path</c> (the default when a path is given).</summary>
    Http,

    /// <summary>A TCP connect, then optionally <c>send</c> and <c>expect</c> (the default without a path).</summary>
    Tcp,

    /// <summary>A datagram <c>send</c> whose answer must contain <c>expect</c> (the default for a pool behind a udp listener).</summary>
    Udp,
}
