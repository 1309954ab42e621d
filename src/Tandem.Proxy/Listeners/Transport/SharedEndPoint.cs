using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// What Kestrel binds for one HTTP version of one listener. The real socket is <see cref="Socket"/>, shared by every
/// <see cref="SharedEndPoint"/> with the same address: the HTTP/1.1 and h2c endpoints of one listener, and, during a
/// reload, the endpoints of the listener instance that replaces it.
/// </summary>
internal sealed class SharedEndPoint(IPEndPoint socket, HttpProtocols protocol, ListenerGeneration generation) : EndPoint
{
    public IPEndPoint Socket { get; } = socket;

    /// <summary><see cref="HttpProtocols.Http1"/> or <see cref="HttpProtocols.Http2"/>.</summary>
    public HttpProtocols Protocol { get; } = protocol;

    /// <summary>The listener instance this endpoint belongs to.</summary>
    public ListenerGeneration Generation { get; } = generation;

    public SharedEndPoint WithSocket(IPEndPoint socket) => new(socket, Protocol, Generation);

    // Kestrel writes "http://" before an endpoint in its messages; this is only the address.
    public override string ToString() => Protocol == HttpProtocols.Http2 ? $"{Socket} (h2c)" : Socket.ToString();
}

/// <summary>
/// One instance of a listener: the set of <see cref="SharedEndPoint"/>s one Kestrel server binds. The socket sends new
/// connections to the activated generation, so a replacement binds first, then takes over without a gap.
/// </summary>
internal sealed class ListenerGeneration(bool http1, bool http2, TimeSpan sniffTimeout)
{
    private SharedListener? _http1;
    private SharedListener? _http2;

    public bool ExpectsHttp1 { get; } = http1;

    public bool ExpectsHttp2 { get; } = http2;

    /// <summary>How long a new connection may take to send its first bytes when both versions are served.</summary>
    public TimeSpan SniffTimeout { get; } = sniffTimeout;

    public SharedListener? Http1 => Volatile.Read(ref _http1);

    public SharedListener? Http2 => Volatile.Read(ref _http2);

    public bool IsComplete => (!ExpectsHttp1 || Http1 is not null) && (!ExpectsHttp2 || Http2 is not null);

    /// <summary>Starts sending the socket's new connections to this generation (after every endpoint is bound).</summary>
    public void Activate()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException("a listener generation can be activated only once all its endpoints are bound");
        }
        (Http1 ?? Http2)!.Socket.Activate(this);
    }

    internal void Attach(SharedListener listener)
    {
        if (listener.EndPoint.Protocol == HttpProtocols.Http2)
        {
            Volatile.Write(ref _http2, listener);
        }
        else
        {
            Volatile.Write(ref _http1, listener);
        }
    }
}
