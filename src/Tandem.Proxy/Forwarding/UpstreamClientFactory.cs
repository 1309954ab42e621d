using System.Net;
using System.Text;
using Tandem.Core.Config;
using Tandem.Proxy.Tls;

namespace Tandem.Proxy.Forwarding;

/// <summary>
/// Builds the <see cref="HttpMessageInvoker"/> a pool forwards through: one pooled <see cref="SocketsHttpHandler"/>
/// tuned for a proxy (no cookies, redirects, decompression, proxy or trace-header injection; unlimited connections
/// per server, idle connections kept for the pool's keep-alive timeout).
/// </summary>
internal static class UpstreamClientFactory
{
    public static HttpMessageInvoker Create(UpstreamSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            // Trace headers from the client pass through as ordinary headers; the proxy adds none of its own.
            ActivityHeadersPropagator = null,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionIdleTimeout = settings.KeepAliveTimeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = int.MaxValue,
            // Header values arrive decoded as Latin-1 (see RequestHeaderEncodings): encoding them as Latin-1 sends the
            // client's bytes on unchanged. Response values the same way back.
            RequestHeaderEncodingSelector = static (_, _) => Encoding.Latin1,
            ResponseHeaderEncodingSelector = static (_, _) => Encoding.Latin1,
            PlaintextStreamFilter = AsteriskForm.FilterAsync,
        };
        if (settings.Tls is { } tls)
        {
            handler.ConnectCallback = new UpstreamTls(tls).ConnectAsync;
        }
        return new HttpMessageInvoker(new ResponseTimeoutHandler(handler, settings.ResponseTimeout), disposeHandler: true);
    }
}

/// <summary>The pool settings that shape its upstream connections; a reload keeps the pool's client when these are equal.</summary>
internal readonly record struct UpstreamSettings(TimeSpan ConnectTimeout, TimeSpan KeepAliveTimeout, TimeSpan ResponseTimeout, UpstreamTlsConfig? Tls = null)
{
    public static UpstreamSettings From(PoolConfig pool) => new(
        pool.Timeouts?.Connect ?? ConfigDefaults.ConnectTimeout,
        pool.KeepAliveTimeout ?? ConfigDefaults.ServerKeepAliveTimeout,
        pool.Timeouts?.Response ?? ConfigDefaults.ResponseTimeout,
        pool.Tls);
}
