using System.Net;
using Tandem.Core.Balancing;
using Tandem.Core.Pools;

namespace Tandem.Core.Tests.Balancing;

/// <summary>Clients with random IPv4 addresses from a fixed seed, and pick counting over them.</summary>
internal static class TestClients
{
    public static IPAddress[] Addresses(int count, int seed = 7)
    {
        var random = new Random(seed);
        var addresses = new IPAddress[count];
        var bytes = new byte[4];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            addresses[i] = new IPAddress(bytes);
        }
        return addresses;
    }

    /// <summary>Selection contexts carrying each client's hash, as the proxy builds them for <c>ip-hash</c>.</summary>
    public static SelectionContext[] Contexts(int count, int seed = 7) =>
        [.. Addresses(count, seed).Select(a => new SelectionContext(a, ClientHash.Of(a)))];

    /// <summary>The server each client is sent to, by client index.</summary>
    public static string[] Mapping(PoolState pool, SelectionContext[] clients) =>
        [.. clients.Select(c => pool.Pick(in c)?.Name ?? "-")];

    /// <summary>Picks per server name over <paramref name="picks"/> requests, cycling through the clients.</summary>
    public static Dictionary<string, int> Count(PoolState pool, SelectionContext[] clients, int picks)
    {
        var counts = pool.Servers.ToDictionary(s => s.Name, _ => 0);
        for (var i = 0; i < picks; i++)
        {
            var name = pool.Pick(in clients[i % clients.Length])?.Name ?? "-";
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return counts;
    }
}
