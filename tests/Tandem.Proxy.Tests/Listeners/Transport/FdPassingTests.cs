using System.Net;
using System.Net.Sockets;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Proxy.Tests.Listeners.Transport;

/// <summary>
/// Listening sockets sent over a unix SEQPACKET connection (in one process here; across processes in
/// RunHandoverTests): the receiver accepts from the same kernel socket, including connections queued before it.
/// </summary>
public sealed class FdPassingTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tandem-fd-" + Guid.NewGuid().ToString("N"));
    private readonly Socket _server;
    private readonly Socket _client;
    private readonly Socket _accepted;

    public FdPassingTests()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "c.sock");
        _server = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        _server.Bind(new UnixDomainSocketEndPoint(path));
        _server.Listen(1);
        _client = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        _client.Connect(new UnixDomainSocketEndPoint(path));
        _accepted = _server.Accept();
    }

    [Fact]
    public void Send_ListeningSocket_ReceiverAcceptsTheConnectionQueuedBeforeIt()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        using var early = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        early.Connect(listener.LocalEndPoint!);

        FdPassing.Send(_accepted, "socket proxy 127.0.0.1:80", listener.SafeHandle, Bound);
        var (text, fd) = FdPassing.Receive(_client, Bound);
        listener.Dispose();
        using var received = new Socket(fd!);
        received.Blocking = true;
        using var served = received.Accept();

        Assert.Equal("socket proxy 127.0.0.1:80", text);
        Assert.Equal(early.LocalEndPoint, served.RemoteEndPoint);
    }

    [Fact]
    public void Receive_MessageWithoutDescriptor_TextAndNoHandle()
    {
        FdPassing.Send(_client, "taken", null, Bound);

        var (text, fd) = FdPassing.Receive(_accepted, Bound);

        Assert.Equal("taken", text);
        Assert.Null(fd);
    }

    [Fact]
    public void Receive_PeerClosed_NullText()
    {
        _accepted.Dispose();

        var (text, fd) = FdPassing.Receive(_client, Bound);

        Assert.Null(text);
        Assert.Null(fd);
    }

    [Fact]
    public void Receive_NothingSent_TimesOut()
    {
        Assert.Throws<TimeoutException>(() => FdPassing.Receive(_client, TimeSpan.FromMilliseconds(100)));
    }

    public void Dispose()
    {
        _accepted.Dispose();
        _client.Dispose();
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
