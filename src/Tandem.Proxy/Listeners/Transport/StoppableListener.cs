using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// Kestrel's socket listener, able to stop accepting without closing its socket. A listening socket handed to a
/// successor is shared by two processes; closing it while an accept is pending makes .NET close it abortively
/// (SO_LINGER 0, and a disconnect of the shared socket if the close races an accept), which would hurt the successor.
/// Cancelling the pending accept first leaves nothing to abort, so the later close is a plain close(2) of this
/// process's descriptor. A cancelled accept never loses a connection: one the kernel already handed over is returned.
/// </summary>
internal sealed class StoppableListener : IConnectionListener, IStopAccepting
{
    private readonly IConnectionListener _inner;
    private readonly ListenSocketRegistry _registry;
    private readonly string _key;
    private readonly CancellationTokenSource _stop = new();

    private StoppableListener(IConnectionListener inner, ListenSocketRegistry registry, string key)
    {
        _inner = inner;
        _registry = registry;
        _key = key;
    }

    public EndPoint EndPoint => _inner.EndPoint;

    /// <summary>Binds through Kestrel's socket transport; the socket comes from <paramref name="registry"/>.</summary>
    public static async ValueTask<StoppableListener> BindAsync(SocketTransportFactory factory, ListenSocketRegistry registry, string kind, EndPoint endPoint,
        CancellationToken cancellationToken)
    {
        var inner = await factory.BindAsync(endPoint, cancellationToken);
        var listener = new StoppableListener(inner, registry, ListenSocketRegistry.KeyOf(kind, endPoint));
        registry.Attach(listener._key, listener);
        return listener;
    }

    /// <summary>A socket transport whose listening sockets come from <paramref name="registry"/>.</summary>
    public static SocketTransportFactory CreateFactory(ListenSocketRegistry registry, string kind, SocketTransportOptions options,
        ILoggerFactory loggerFactory, Action<Socket>? configure = null)
    {
        options.CreateBoundListenSocket = endPoint =>
        {
            var socket = registry.CreateBound(kind, endPoint);
            configure?.Invoke(socket);
            return socket;
        };
        return new SocketTransportFactory(Options.Create(options), loggerFactory);
    }

    /// <summary>Pending and later accepts return null (the end of this listener); the socket stays open.</summary>
    public void StopAccepting()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        if (_stop.IsCancellationRequested)
        {
            return null;
        }
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token) : null;
        try
        {
            return await _inner.AcceptAsync(linked?.Token ?? _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        StopAccepting();
        _registry.Release(_key, this);
        await _inner.UnbindAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        StopAccepting();
        _registry.Release(_key, this);
        await _inner.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>Kestrel's socket transport with <see cref="StoppableListener"/>s: what the admin listener binds through.</summary>
public sealed class RegistryListenerFactory(ListenSocketRegistry registry, string kind, ILoggerFactory loggerFactory) : IConnectionListenerFactory
{
    private readonly SocketTransportFactory _factory = StoppableListener.CreateFactory(registry, kind, new SocketTransportOptions(), loggerFactory);

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        await StoppableListener.BindAsync(_factory, registry, kind, endpoint, cancellationToken);
}
