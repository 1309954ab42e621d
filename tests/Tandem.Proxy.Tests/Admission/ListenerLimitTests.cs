using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Balancing;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Admission;

/// <summary>A listener's max-connections: connections beyond it are refused, the node keeps serving.</summary>
public sealed class ListenerLimitTests
{
    [Fact]
    public async Task Listener_MoreConnectionsThanItsCap_ExtraOnesClosedAndTheRestServed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool(BalancingAlgorithms.RoundRobin, [a.ServerConfig()],
            p => p, l => l with { MaxConnections = 2 }));
        var endpoint = IPEndPoint.Parse(proxy.Runtime.Listeners[0].Bound);
        var sockets = new List<Socket>();
        try
        {
            var answered = 0;
            for (var i = 0; i < 6; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 3000 };
                sockets.Add(socket);
                await socket.ConnectAsync(endpoint);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
                var buffer = new byte[512];
                try
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TimeSpan.FromSeconds(3));
                    answered += read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal) ? 1 : 0;
                }
                catch (SocketException)
                {
                    // Closed by the listener: over the cap.
                }
            }

            Assert.Equal(2, answered);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // Once those connections are gone the listener takes new ones again.
        using var client = TestHttp.Client();
        Assert.True(await TestHttp.WaitUntilAsync(async () =>
        {
            try
            {
                return await client.GetStringAsync(proxy.BaseAddress) == "a";
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(5)));
    }
}
