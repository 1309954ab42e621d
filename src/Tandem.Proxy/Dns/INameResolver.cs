using System.Net;

namespace Tandem.Proxy.Dns;

/// <summary>Resolves a server's DNS name to its addresses. Never throws for a name that does not resolve: the answer says why.</summary>
internal interface INameResolver
{
    Task<NameAnswer> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>
/// What a lookup found: the addresses (IPv4 first), how long they may be kept (null when the resolver does not say),
/// or an error in a few words ("no such name", "timed out") when there are none.
/// </summary>
internal readonly record struct NameAnswer(IReadOnlyList<IPAddress> Addresses, TimeSpan? Ttl, string? Error)
{
    public bool Resolved => Addresses.Count > 0;

    public static NameAnswer Failed(string error) => new([], null, error);
}
