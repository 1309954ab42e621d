using System.Net;
using System.Net.Sockets;
using Tandem.Proxy.Listeners.Transport;

namespace Tandem.Proxy.Tests.Listeners.Transport;

public sealed class ListenSocketRegistryTests
{
    [Fact]
    public void CreateBound_InheritedSameKey_AdoptsTheSocketInsteadOfBinding()
    {
        var registry = new ListenSocketRegistry();
        using var inherited = Listening(out var endPoint);
        registry.Inherit(ListenSocketRegistry.KeyOf("proxy", endPoint), inherited);

        var socket = registry.CreateBound("proxy", endPoint);

        Assert.Same(inherited, socket);
        Assert.True(registry.WasAdopted("proxy " + endPoint));
        Assert.Equal(["proxy " + endPoint], registry.Live().Select(l => l.Key));
        Assert.Empty(registry.CloseUnclaimed());
    }

    [Fact]
    public void CreateBound_InheritedUnderAnotherKind_NotAdoptedAndClosedAsUnclaimed()
    {
        var registry = new ListenSocketRegistry();
        var inherited = Listening(out var endPoint);
        registry.Inherit(ListenSocketRegistry.KeyOf("admin", endPoint), inherited);

        var bind = () => registry.CreateBound("proxy", endPoint);

        // The address is the inherited admin socket's: a fresh bind of it fails as any port in use does.
        Assert.ThrowsAny<SocketException>(bind);
        Assert.Equal(["admin " + endPoint], registry.CloseUnclaimed());
        Assert.Throws<ObjectDisposedException>(() => inherited.LocalEndPoint);
    }

    [Fact]
    public void CreateBound_PortZero_NeverTrackedForHandover()
    {
        var registry = new ListenSocketRegistry();

        using var socket = registry.CreateBound("proxy", new IPEndPoint(IPAddress.Loopback, 0));

        Assert.NotEqual(0, ((IPEndPoint)socket.LocalEndPoint!).Port);
        Assert.Empty(registry.Live());
    }

    private static Socket Listening(out IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(4);
        endPoint = (IPEndPoint)socket.LocalEndPoint!;
        return socket;
    }
}
