using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Tandem.Proxy.Listeners.Transport;

/// <summary>
/// The listener Kestrel sees for one <see cref="SharedEndPoint"/>: it accepts the connections its socket hands over.
/// Concurrency: connections are offered from the socket's accept loop and taken by Kestrel's accept loop through a channel.
/// </summary>
internal sealed class SharedListener : IConnectionListener
{
    private readonly Channel<ConnectionContext> _accepted = Channel.CreateUnbounded<ConnectionContext>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private int _unbound;

    public SharedListener(SharedSocket socket, SharedEndPoint endPoint)
    {
        Socket = socket;
        EndPoint = endPoint;
    }

    public SharedSocket Socket { get; }

    public SharedEndPoint EndPoint { get; }

    EndPoint IConnectionListener.EndPoint => EndPoint;

    /// <summary>Hands a connection to Kestrel; false once this listener is unbound (the caller then closes it).</summary>
    public bool Offer(ConnectionContext connection) => Volatile.Read(ref _unbound) == 0 && _accepted.Writer.TryWrite(connection);

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (await _accepted.Reader.WaitToReadAsync(cancellationToken) && _accepted.Reader.TryRead(out var connection))
            {
                return connection;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 1)
        {
            return;
        }
        _accepted.Writer.TryComplete();
        await Socket.DetachAsync(this);
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        // Connections handed over after Kestrel stopped accepting: nobody will serve them.
        while (_accepted.Reader.TryRead(out var orphan))
        {
            await orphan.DisposeAsync();
        }
    }
}
