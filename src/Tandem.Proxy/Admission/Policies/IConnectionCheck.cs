using System.Net;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A requirement a layer-4 listener can apply when a connection (or UDP flow) opens, knowing only the client's
/// address: address ranges, the rate of new connections, a deny. Synchronous and allocation-free for a known client.
/// Concurrency: any number of connections at once.
/// </summary>
internal interface IConnectionCheck
{
    PolicyVerdict CheckConnection(IPAddress client);
}
