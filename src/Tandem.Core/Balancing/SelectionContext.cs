using System.Net;

namespace Tandem.Core.Balancing;

/// <summary>What a selector may know about the request it picks a server for. Passed by reference; never allocated.</summary>
public readonly struct SelectionContext
{
    public SelectionContext(IPAddress? clientAddress)
    {
        ClientAddress = clientAddress;
    }

    /// <param name="clientAddress">The client's address.</param>
    /// <param name="hash">The client's hash (see <see cref="ClientHash"/>), for hashing algorithms.</param>
    public SelectionContext(IPAddress? clientAddress, ulong hash)
    {
        ClientAddress = clientAddress;
        Hash = hash;
        HasHash = true;
    }

    /// <summary>The client's address.</summary>
    public IPAddress? ClientAddress { get; }

    /// <summary>The hash of the client's key (address, header or cookie) when <see cref="HasHash"/>.</summary>
    public ulong Hash { get; }

    public bool HasHash { get; }
}
