using Tandem.Core.Pools;

namespace Tandem.Core.Selection;

/// <summary>
/// The servers a request has been sent to: at most a handful, kept without allocating (a third retry allocates a list
/// once; it is kept for the next request of the same <see cref="SelectionState"/>).
/// </summary>
internal struct TriedServers
{
    private ServerState? _first;
    private ServerState? _second;
    private List<ServerState>? _more;

    public readonly bool Contains(ServerState server) =>
        ReferenceEquals(_first, server) || ReferenceEquals(_second, server) || (_more is { Count: > 0 } more && more.Contains(server));

    public void Add(ServerState server)
    {
        if (_first is null)
        {
            _first = server;
        }
        else if (_second is null)
        {
            _second = server;
        }
        else
        {
            (_more ??= []).Add(server);
        }
    }

    public void Clear()
    {
        _first = null;
        _second = null;
        _more?.Clear();
    }
}
