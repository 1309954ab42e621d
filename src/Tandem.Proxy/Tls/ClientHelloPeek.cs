using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Tandem.Proxy.Streams.Tls;
using Tandem.Proxy.Tls.Acme;

namespace Tandem.Proxy.Tls;

/// <summary>
/// A connection middleware ahead of TLS: it reads (without consuming) the ClientHello and marks on the connection what
/// the handshake callback needs and Kestrel's <c>ClientHelloInfo</c> does not carry:
/// <list type="bullet">
/// <item>ALPN <c>acme-tls/1</c> while a tls-alpn-01 challenge is pending (<see cref="AlpnChallengeKey"/>): the callback
/// answers with the challenge certificate;</item>
/// <item>TLS 1.3 offered (<see cref="Tls13Key"/>): the handshake will be TLS 1.3, whose suites are all AEAD with an
/// ephemeral key exchange, so the callback leaves the suite list to the platform. That lets .NET reuse one OpenSSL
/// context per certificate and resume sessions; with a <c>CipherSuitesPolicy</c> set it builds a context per handshake
/// and never resumes (see <see cref="ListenerTls"/>).</item>
/// </list>
/// The bytes are usually there when the connection starts; otherwise it waits, bounded by
/// <see cref="ClientHelloParser.MaxHandshake"/> bytes plus record headers and <see cref="Timeout"/>. A client that sends
/// no whole ClientHello in time goes on to the handshake unmarked, and the handshake's own timeout deals with it.
/// </summary>
internal static class ClientHelloPeek
{
    /// <summary>The <c>ConnectionContext.Items</c> key set on a connection that offers acme-tls/1 while a challenge is pending.</summary>
    public const string AlpnChallengeKey = "tandem.acme-tls";

    /// <summary>The <c>ConnectionContext.Items</c> key set on a connection whose ClientHello offers TLS 1.3.</summary>
    public const string Tls13Key = "tandem.tls13";

    private const int Limit = ClientHelloParser.MaxHandshake + 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] AcmeProtocol = "acme-tls/1"u8.ToArray();

    public static Func<ConnectionDelegate, ConnectionDelegate> Create(AcmeChallengeStore challenges) => next => connection =>
    {
        var input = connection.Transport.Input;
        return input.TryRead(out var result) && Inspect(connection, input, result, challenges) ? next(connection) : PeekAsync(connection, next, challenges);
    };

    private static async Task PeekAsync(ConnectionContext connection, ConnectionDelegate next, AcmeChallengeStore challenges)
    {
        var input = connection.Transport.Input;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(Timeout);
            try
            {
                while (!Inspect(connection, input, await input.ReadAsync(timeout.Token), challenges))
                {
                }
            }
            catch (OperationCanceledException)
            {
                // No whole ClientHello in time: the handshake's own timeout deals with the client.
            }
        }
        await next(connection);
    }

    /// <summary>Looks at what has arrived; false when the ClientHello is not whole yet (more is awaited).</summary>
    private static bool Inspect(ConnectionContext connection, PipeReader input, ReadResult result, AcmeChallengeStore challenges)
    {
        var buffer = result.Buffer;
        var head = buffer.Length > Limit ? buffer.Slice(0, Limit) : buffer;
        var status = head.IsSingleSegment
            ? ClientHelloParser.ReadOffers(head.FirstSpan, AcmeProtocol, out var offers)
            : ClientHelloParser.ReadOffers(head.ToArray(), AcmeProtocol, out offers);
        if (status == ClientHelloStatus.NeedMore && !result.IsCompleted && !result.IsCanceled && buffer.Length <= Limit)
        {
            input.AdvanceTo(buffer.Start, buffer.End);
            return false;
        }
        // Nothing consumed or examined: the TLS handshake reads the same bytes at once.
        input.AdvanceTo(buffer.Start);
        if ((offers & ClientHelloOffers.AlpnProtocol) != 0 && challenges.HasAlpn)
        {
            connection.Items[AlpnChallengeKey] = true;
        }
        if ((offers & ClientHelloOffers.Tls13) != 0)
        {
            connection.Items[Tls13Key] = true;
        }
        return true;
    }
}
