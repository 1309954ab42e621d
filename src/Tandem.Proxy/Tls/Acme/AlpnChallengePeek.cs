using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Tandem.Proxy.Streams.Tls;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// A connection middleware ahead of TLS: while a tls-alpn-01 challenge is pending, it reads (without consuming) the
/// ClientHello and marks a connection that offers ALPN <c>acme-tls/1</c>, which the handshake callback then answers with
/// the challenge certificate. Kestrel's handshake callback sees the SNI but not the ALPN list, hence the peek. Bounded:
/// at most <see cref="ClientHelloParser.MaxHandshake"/> bytes plus record headers, and <see cref="Timeout"/>.
/// </summary>
internal static class AlpnChallengePeek
{
    /// <summary>The <c>ConnectionContext.Items</c> key set on a connection that offers acme-tls/1.</summary>
    public const string Key = "tandem.acme-tls";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] Protocol = "acme-tls/1"u8.ToArray();

    public static Func<ConnectionDelegate, ConnectionDelegate> Create(AcmeChallengeStore challenges) => next => async connection =>
    {
        if (challenges.HasAlpn)
        {
            await PeekAsync(connection);
        }
        await next(connection);
    };

    private static async Task PeekAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(Timeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                var status = ClientHelloParser.OffersAlpn(buffer.Length > ClientHelloParser.MaxHandshake + 1024 ? buffer.Slice(0, ClientHelloParser.MaxHandshake + 1024).ToArray() : buffer.ToArray(),
                    Protocol, out var offered);
                if (status == ClientHelloStatus.NeedMore && !result.IsCompleted && buffer.Length <= ClientHelloParser.MaxHandshake + 1024)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
                // Nothing consumed or examined: the TLS handshake reads the same bytes at once.
                input.AdvanceTo(buffer.Start);
                if (offered)
                {
                    connection.Items[Key] = true;
                }
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // A client that sends no ClientHello in time: the handshake's own timeout deals with it.
        }
    }
}
