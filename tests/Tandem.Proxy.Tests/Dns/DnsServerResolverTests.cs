using System.Net;
using System.Net.Sockets;
using Tandem.Proxy.Dns;

namespace Tandem.Proxy.Tests.Dns;

/// <summary>The resolver against a UDP server on 127.0.0.1 that answers every query with <c>reply(query)</c>.</summary>
public sealed class DnsServerResolverTests
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("header-only")]
    [InlineData("wrong-id")]
    [InlineData("truncated-record")]
    public async Task ResolveAsync_MalformedAnswer_FailsWithoutThrowing(string kind)
    {
        using var server = new UdpServer(query => kind switch
        {
            "garbage" => [1, 2, 3],
            "header-only" => [query[0], query[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0],
            "wrong-id" => [(byte)(query[0] ^ 0xFF), query[1], .. query[2..]],
            _ => [.. query[..2], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, .. Question(query), 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127],
        });
        var resolver = new DnsServerResolver(server.EndPoint);

        var answer = await resolver.ResolveAsync("app.test", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(answer.Resolved);
        Assert.False(string.IsNullOrEmpty(answer.Error));
    }

    [Fact]
    public async Task ResolveAsync_ARecord_AddressAndTtl()
    {
        using var server = new UdpServer(query => Question(query)[^3] == 1
            // Type A: one answer, 127.0.0.9 for 60 s.
            ? [.. query[..2], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, .. Question(query), 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 9]
            // Type AAAA: no data.
            : [.. query[..2], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, .. Question(query)]);
        var resolver = new DnsServerResolver(server.EndPoint);

        var answer = await resolver.ResolveAsync("app.test", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([IPAddress.Parse("127.0.0.9")], answer.Addresses);
        Assert.Equal(TimeSpan.FromSeconds(60), answer.Ttl);
    }

    /// <summary>The query's question (name, type, class), without any EDNS record after it.</summary>
    private static byte[] Question(byte[] query)
    {
        var end = 12;
        while (query[end] != 0)
        {
            end += query[end] + 1;
        }
        return query[12..(end + 5)];
    }

    private sealed class UdpServer : IDisposable
    {
        private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();

        public UdpServer(Func<byte[], byte[]> reply)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var query = await _udp.ReceiveAsync(_stop.Token);
                        await _udp.SendAsync(reply(query.Buffer), query.RemoteEndPoint, _stop.Token);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    // Stopped.
                }
            });
        }

        public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

        public void Dispose()
        {
            _stop.Cancel();
            _udp.Dispose();
            _stop.Dispose();
        }
    }
}
