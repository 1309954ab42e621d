using System.Net;
using System.Net.Sockets;
using Tandem.Proxy.Streams.ProxyProtocol;
using Tandem.Proxy.Streams.Tls;

namespace Tandem.Proxy.Streams;

/// <summary>What a connection's first bytes said before any server was picked.</summary>
/// <param name="Client">The client a trusted PROXY header named; null: the socket's peer.</param>
/// <param name="ServerName">The SNI of a tls-passthrough connection; null when the client sent none.</param>
/// <param name="Consumed">Bytes of the PROXY header, which are not sent on.</param>
/// <param name="Length">Bytes read so far, all but <paramref name="Consumed"/> still owed to the server.</param>
/// <param name="Error">Why the connection is refused; null when it may go on.</param>
internal readonly record struct PrereadResult(IPEndPoint? Client, string? ServerName, int Consumed, int Length, string? Error);

/// <summary>
/// Reads what routing needs before a server is chosen, into a buffer the caller owns, within
/// <see cref="StreamSettings.PrereadTimeout"/>: the PROXY header of a trusted sender (required from those, ignored from
/// others, who are plain clients), then for tls-passthrough the whole ClientHello. Nothing is read otherwise.
/// </summary>
internal static class StreamPreread
{
    public static async Task<PrereadResult> ReadAsync(Socket client, IPEndPoint? peer, StreamSettings settings, byte[] buffer, TimeProvider time)
    {
        var expectHeader = peer is not null && settings.TrustsProxyHeaderFrom(peer.Address);
        if (!expectHeader && !settings.IsTls)
        {
            return default;
        }
        using var limit = new CancellationTokenSource(StreamSettings.PrereadTimeout, time);
        var length = 0;
        var consumed = 0;
        IPEndPoint? source = null;
        try
        {
            while (expectHeader)
            {
                var status = ProxyHeaderParser.Parse(buffer.AsSpan(0, length), out consumed, out source);
                if (status == ProxyHeaderStatus.Complete)
                {
                    break;
                }
                if (status == ProxyHeaderStatus.Invalid)
                {
                    return new PrereadResult(null, null, 0, length, "invalid PROXY protocol header");
                }
                var read = await ReadMoreAsync(client, buffer, length, limit.Token);
                if (read == 0)
                {
                    return new PrereadResult(null, null, 0, length, "closed before its PROXY protocol header was complete");
                }
                length += read;
            }
            string? serverName = null;
            while (settings.IsTls)
            {
                var status = ClientHelloParser.Parse(buffer.AsSpan(consumed, length - consumed), out serverName);
                if (status == ClientHelloStatus.Complete)
                {
                    break;
                }
                if (status == ClientHelloStatus.Invalid)
                {
                    return new PrereadResult(source, null, consumed, length, "not a valid TLS ClientHello");
                }
                var read = await ReadMoreAsync(client, buffer, length, limit.Token);
                if (read == 0)
                {
                    return new PrereadResult(source, null, consumed, length, "closed before its ClientHello was complete");
                }
                length += read;
            }
            return new PrereadResult(source, serverName, consumed, length, null);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return new PrereadResult(source, null, consumed, length, "sent too little within the preread timeout");
        }
    }

    /// <summary>Reads more after <paramref name="length"/> bytes; 0 at end of stream or when the buffer is full (the input is too large).</summary>
    private static async ValueTask<int> ReadMoreAsync(Socket client, byte[] buffer, int length, CancellationToken cancellationToken) =>
        length == buffer.Length ? 0 : await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
}
