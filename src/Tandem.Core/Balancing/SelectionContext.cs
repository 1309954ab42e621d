using System.Net;

namespace Tandem.Core.Balancing;

/// <summary>What a selector may know about the request it picks a server for. Passed by reference; never allocated.</summary>
public readonly struct SelectionContext
{
    public SelectionContext(IPAddress? clientAddress)
    {
        ClientAddress = clientAddress;
    }

    /// <summary>The client's address, for hashing algorithms.</summary>
    public IPAddress? ClientAddress { get; }
}
