using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Tandem.Core.Config;
using Tandem.Core.Pools;
using Tandem.Proxy.Streams;

namespace Tandem.Proxy.Health;

/// <summary>
/// The layer-4 probes: TCP (connect, then optionally <c>send</c> and read until the answer contains <c>expect</c>, as
/// HAProxy's <c>tcp-check send/expect</c>: <c>PING\r\n</c> and <c>+PONG</c> for Redis) and UDP (a <c>send</c>
/// datagram whose answer must contain <c>expect</c>, e.g. a DNS query; without <c>expect</c>, any answer or no ICMP
/// refusal within half the timeout passes, as nginx's UDP check does). At most 64 KB of an answer is read.
/// </summary>
internal static class StreamProbe
{
    private const int MaxAnswer = 64 * 1024;

    public static async Task<(bool, string)> TcpAsync(ServerState server, HealthConfig config, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await ServerSockets.ConnectAsync(socket, server, cancellationToken);
        if (config.Send is { } send)
        {
            await socket.SendAsync(ProbePayload.TryDecode(send, out _)!, SocketFlags.None, cancellationToken);
        }
        if (config.Expect is not { } expectText)
        {
            return (true, string.Create(CultureInfo.InvariantCulture, $"connected in {clock.ElapsedMilliseconds} ms"));
        }
        var expect = ProbePayload.TryDecode(expectText, out _)!;
        var buffer = new byte[MaxAnswer];
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }
            total += read;
            if (buffer.AsSpan(0, total).IndexOf(expect) >= 0)
            {
                return (true, string.Create(CultureInfo.InvariantCulture, $"answered '{expectText}' in {clock.ElapsedMilliseconds} ms"));
            }
        }
        return (false, $"the answer lacks '{expectText}'");
    }

    public static async Task<(bool, string)> UdpAsync(ServerState server, HealthConfig config, TimeSpan timeout, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
        await ServerSockets.ConnectAsync(socket, server, cancellationToken);
        var request = config.Send is { } send ? ProbePayload.TryDecode(send, out _)! : [];
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        var buffer = new byte[MaxAnswer];
        if (config.Expect is not { } expectText)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(timeout / 2);
            try
            {
                await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                return (true, string.Create(CultureInfo.InvariantCulture, $"answered in {clock.ElapsedMilliseconds} ms"));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (true, "no answer and no refusal");
            }
        }
        var expect = ProbePayload.TryDecode(expectText, out _)!;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (buffer.AsSpan(0, read).IndexOf(expect) >= 0)
            {
                return (true, string.Create(CultureInfo.InvariantCulture, $"answered in {clock.ElapsedMilliseconds} ms"));
            }
        }
    }
}
