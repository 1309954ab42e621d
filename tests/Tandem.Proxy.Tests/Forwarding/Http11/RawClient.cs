using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// A client that sends exact bytes to the proxy and reads everything until the proxy closes: for responses whose
/// head promises a body that must not come (HEAD, 304) or never comes whole (a server cut mid-body), where reading by
/// the head's Content-Length would wait for bytes that are not there.
/// </summary>
internal static class RawClient
{
    /// <summary>What came back (Latin-1) and whether the proxy closed (or reset) the connection within <paramref name="bound"/>.</summary>
    public static async Task<(string Text, bool Closed)> UntilCloseAsync(Uri proxy, string request, TimeSpan bound)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(bound);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxy.Port), limit.Token);
        await socket.SendAsync(Encoding.Latin1.GetBytes(request), limit.Token);
        return await ReadUntilCloseAsync(socket, limit.Token);
    }

    /// <summary>Reads from <paramref name="socket"/> until the peer closes or resets it, or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<(string Text, bool Closed)> ReadUntilCloseAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var closed = false;
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    closed = true;
                    break;
                }
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset is a close too: the proxy aborted the connection.
            closed = true;
        }
        catch (OperationCanceledException)
        {
        }
        return (Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length), closed);
    }

    /// <summary>The data of a complete chunked body (extensions and trailers ignored); throws on a malformed one.</summary>
    public static string Dechunk(string body)
    {
        var data = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(body.AsSpan(at, lineEnd - at).ToString().Split(';')[0], System.Globalization.NumberStyles.HexNumber,
                System.Globalization.CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return data.ToString();
            }
            data.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    /// <summary>The part of <paramref name="response"/> after its head.</summary>
    public static string BodyOf(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end < 0 ? "" : response[(end + 4)..];
    }

    /// <summary>The head's field lines (without the status line), as sent.</summary>
    public static string[] FieldsOf(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = end < 0 ? response : response[..end];
        return head.Split("\r\n")[1..];
    }
}
