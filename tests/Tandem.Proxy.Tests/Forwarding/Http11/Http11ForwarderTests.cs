using System.Net;
using System.Net.Sockets;
using System.Text;
using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Proxy.Tests.Forwarding.Http11;

/// <summary>
/// The lean HTTP/1.1 upstream path end to end: a real Tandem listener on 127.0.0.1 in front of a raw TCP server
/// that answers every request head with canned bytes, so what the client gets and how many connections the
/// server saw can both be asserted.
/// </summary>
public sealed class Http11ForwarderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Forward_FiveSequentialGets_OneKeptAliveUpstreamConnection()
    {
        await using var server = new CannedServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        for (var i = 0; i < 5; i++)
        {
            // Read until the proxy closes: the client has the whole body a moment before the upstream connection is
            // back in the pool, and a next request sent in that moment would rightly open a second one.
            var (response, _) = await RawClient.UntilCloseAsync(proxy.BaseAddress, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Bound);
            Assert.Equal(200, RawHttp.StatusOf(response));
            Assert.EndsWith("\r\n\r\nok", response, StringComparison.Ordinal);
        }

        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Forward_ResponseWithConnectionClose_NextRequestOnANewConnection()
    {
        await using var server = new CannedServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        for (var i = 0; i < 2; i++)
        {
            var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);
            Assert.Equal(200, RawHttp.StatusOf(response));
        }

        Assert.Equal(2, server.Connections);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nok\r\n0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: a\r\n b\r\n\r\nok")]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n")]
    public async Task Forward_SmugglingResponse_502NothingPassedOn(string canned)
    {
        await using var server = new CannedServer(canned);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.Equal(502, RawHttp.StatusOf(response));
        Assert.DoesNotContain("ok", response.Split("\r\n\r\n", 2)[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forward_ChunkedWithExtensionsAndTrailers_ClientGetsDecodedBody()
    {
        await using var server = new CannedServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=1\r\nok\r\n3\r\n!!!\r\n0\r\nX-T: t\r\n\r\n");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await proxy.Client.GetStringAsync("/");

        Assert.Equal("ok!!!", response);
    }

    [Fact]
    public async Task Forward_CloseDelimitedResponse_ClientGetsFullBody()
    {
        await using var server = new CannedServer("HTTP/1.1 200 OK\r\n\r\nuntil-close", close: true);
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        var response = await proxy.Client.GetStringAsync("/");

        Assert.Equal("until-close", response);
    }

    [Fact]
    public async Task Forward_ConnectionRefused_502()
    {
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([TestConfig.DeadServer()]));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.Equal(502, RawHttp.StatusOf(response));
    }

    [Fact]
    public async Task Forward_ServerNeverAnswers_504WithinBound()
    {
        await using var server = new HungServer();
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()],
            p => p with { Timeouts = new PoolTimeouts { Response = TimeSpan.FromMilliseconds(300) } }));

        var response = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.Equal(504, RawHttp.StatusOf(response));
    }

    [Fact]
    public async Task Forward_ExtraBytesAfterContentLengthBody_ConnectionNotReused()
    {
        await using var server = new CannedServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil");
        await using var proxy = await ProxyHarness.StartAsync(TestConfig.OnePool([server.ServerConfig()]));

        await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);
        var second = await RawHttp.ExchangeAsync(proxy.BaseAddress, RawHttp.Bytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Bound);

        Assert.DoesNotContain("evil", second, StringComparison.Ordinal);
        Assert.Equal(2, server.Connections);
    }

    /// <summary>Answers every request head (up to the blank line; request bodies are not read) with the same bytes.</summary>
    private sealed class CannedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[] _response;
        private readonly Task _accepting;
        private int _connections;

        private readonly bool _close;

        public CannedServer(string response, bool close = false)
        {
            _close = close;
            _response = Encoding.Latin1.GetBytes(response);
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Connections => Volatile.Read(ref _connections);

        public ServerConfig ServerConfig() =>
            new() { Name = "raw", Address = new HostPort("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port) };

        private async Task AcceptAsync()
        {
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = ServeAsync(socket);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            var buffer = new byte[16 * 1024];
            var seen = new StringBuilder();
            try
            {
                for (var requests = 0; requests < 100; requests++)
                {
                    while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }
                        seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
                    }
                    var text = seen.ToString();
                    seen.Clear().Append(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
                    await socket.SendAsync(_response, SocketFlags.None, _stop.Token);
                    if (_close)
                    {
                        socket.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
