using Tandem.Core.Balancing;
using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// What selection knows about one request: the client's key, the server a sticky client is bound to and the servers
/// already tried. One per connection (or HTTP/2 stream), reset by <see cref="Begin"/> for each of its requests, so
/// selecting allocates nothing. Concurrency: one request at a time.
/// </summary>
public sealed class SelectionState
{
    private SelectionContext _context;
    private TriedServers _tried;

    /// <summary>The client's address and, for hashing pools, the hash of its key.</summary>
    public ref readonly SelectionContext Context => ref _context;

    /// <summary>The server this client is stuck to and may stay on (<c>sticky</c>); null when none.</summary>
    public ServerState? StuckTo { get; private set; }

    /// <summary>
    /// The server a trusted caller picked for this request (<c>header-routing</c>); tried first while usable, with room
    /// and not yet tried, else the request is balanced as usual. Null when none.
    /// </summary>
    public ServerState? Preferred { get; private set; }

    /// <summary>Table mode: the hash of the client's sticky key, when the request carried one.</summary>
    public ulong? StickyKey { get; private set; }

    /// <summary>Starts a request: no sticky server, nothing tried.</summary>
    public void Begin(in SelectionContext context)
    {
        _context = context;
        StuckTo = null;
        Preferred = null;
        StickyKey = null;
        _tried.Clear();
    }

    /// <summary>The sticky lookup's result: the server to keep the client on (null: balance afresh) and its table key.</summary>
    public void Stick(ServerState? server, ulong? key)
    {
        StuckTo = server;
        StickyKey = key;
    }

    /// <summary>See <see cref="Preferred"/>.</summary>
    public void Prefer(ServerState? server) => Preferred = server;

    /// <summary>An attempt goes to <paramref name="server"/>; a retry picks another.</summary>
    public void Tried(ServerState server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _tried.Add(server);
    }

    public bool WasTried(ServerState server) => _tried.Contains(server);

    /// <summary>Drops the references of the last request, so an idle connection holds no server of an old config.</summary>
    public void End()
    {
        StuckTo = null;
        Preferred = null;
        _tried.Clear();
    }
}
