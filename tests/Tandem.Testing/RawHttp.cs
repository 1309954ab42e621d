using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Testing;

/// <summary>
/// Sends exact bytes over a fresh TCP connection and reads what comes back: for requests no HTTP client would send
/// (bad Host, non-ASCII header bytes, <c>OPTIONS *</c>, a signed Content-Length).
/// </summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> and returns the first response as Latin-1 text (head and a Content-Length
    /// body), or everything read before the server closed; empty when nothing came within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<string> ExchangeAsync(Uri server, byte[] request, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), limit.Token);
        await socket.SendAsync(request, limit.Token);
        return await ReadResponseAsync(socket, limit.Token);
    }

    /// <summary>The request as Latin-1 bytes: each char below 256 becomes the byte of that value.</summary>
    public static byte[] Bytes(string request) => Encoding.Latin1.GetBytes(request);

    /// <summary>The status code of a response read by <see cref="ExchangeAsync"/>; 0 when there was none.</summary>
    public static int StatusOf(string response) =>
        response.Length >= 12 && response.StartsWith("HTTP/1.", StringComparison.Ordinal)
            ? int.Parse(response.AsSpan(9, 3), CultureInfo.InvariantCulture)
            : 0;

    /// <summary>Reads one response (head and a Content-Length body) or what came before the server closed, as Latin-1 text.</summary>
    public static async Task<string> ReadResponseAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (!IsComplete(received))
            {
                var read = await socket.ReceiveAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
        return Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
    }

    private static bool IsComplete(MemoryStream received)
    {
        var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }
        var length = 0;
        foreach (var line in text[..end].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return text.Length >= end + 4 + length;
    }
}
