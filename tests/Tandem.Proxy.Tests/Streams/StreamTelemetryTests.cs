using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Streams;

public sealed class StreamTelemetryTests
{
    [Fact]
    public async Task Tcp_ConnectionEnded_OneAccessLogLineAndByteCounters()
    {
        await using var a = new StreamEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()]), new AccessLogConfig { Path = "access.log", Format = AccessLogFormat.Json });
        using (var client = await StreamClient.ConnectAsync(proxy.Runtime.Listeners[0].Bound))
        {
            Assert.Equal("a", await client.ReadLineAsync());
            await client.SendAsync("0123456789\n");
            Assert.Equal("0123456789", await client.ReadLineAsync());
            client.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            Assert.Null(await client.ReadLineAsync());
        }

        var entry = (await proxy.LogEntriesAsync(1))[0];
        Assert.Equal("TCP", entry.GetProperty("method").GetString());
        Assert.Equal("tcp", entry.GetProperty("protocol").GetString());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        Assert.Equal(11, entry.GetProperty("bytes_in").GetInt64());
        Assert.Equal(13, entry.GetProperty("bytes_out").GetInt64());
        var series = await proxy.ScrapeAsync();
        Assert.Equal(11, series["tandem_stream_bytes_total{listener=\"l4\",direction=\"in\"}"]);
        Assert.Equal(13, series["tandem_stream_bytes_total{listener=\"l4\",direction=\"out\"}"]);
        Assert.Equal(1, series["tandem_stream_connections_total{listener=\"l4\",protocol=\"tcp\",result=\"ok\"}"]);
        Assert.Equal(0, series["tandem_stream_connections_active{listener=\"l4\"}"]);
    }

    [Fact]
    public async Task Udp_SessionTableSize_IsExported()
    {
        await using var a = new UdpEchoServer("a");
        await using var proxy = await ProxyHarness.StartAsync(L4Config.Tcp([a.Config()], protocol: ListenerProtocol.Udp));
        using var one = UdpEchoServer.Client();
        using var two = UdpEchoServer.Client();

        Assert.Equal("a:x", await UdpEchoServer.AskAsync(one, proxy.Runtime.Listeners[0].Bound, "x"));
        Assert.Equal("a:y", await UdpEchoServer.AskAsync(two, proxy.Runtime.Listeners[0].Bound, "y"));

        Assert.Equal(2, (await proxy.ScrapeAsync())["tandem_udp_sessions{listener=\"l4\"}"]);
    }
}
