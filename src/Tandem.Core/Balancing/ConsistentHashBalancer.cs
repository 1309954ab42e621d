using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// <c>ip-hash</c>: consistent hashing on a ring (Karger et al. 1997, as in Envoy's ring_hash and nginx's
/// <c>hash ... consistent</c>). Each server owns points on a 64-bit ring, about 640 per unit of its share of the
/// largest weight, placed by hashing its name, so every node of a pair builds the same ring. A client's hash
/// (<see cref="ClientHash"/>) goes to the first point at or after it. The ring holds only usable servers, so:
/// removing one of N servers moves exactly its own clients (about 1/N) to the servers owning the next points; adding
/// one takes about 1/(N+1) from the others; a server that comes back gets its clients back. With 640 points per
/// server the shares are within a few percent of the weights. Lookup is a binary search over the points.
/// </summary>
public sealed class ConsistentHashBalancer : IBalancer
{
    /// <summary>Ring points of a server with the pool's largest weight.</summary>
    internal const int PointsPerServer = 640;

    public string Name => BalancingAlgorithms.IpHash;

    public bool UsesHash => true;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        var maxWeight = 1;
        foreach (var server in servers)
        {
            maxWeight = Math.Max(maxWeight, server.TenthsOfWeight);
        }
        var ring = new List<(ulong Point, int Server)>();
        Span<byte> key = stackalloc byte[4];
        for (var s = 0; s < servers.Count; s++)
        {
            var seed = (long)XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(servers[s].Name));
            var points = Math.Max(1, (int)Math.Round((double)PointsPerServer * Math.Max(1, servers[s].TenthsOfWeight) / maxWeight));
            for (var i = 0; i < points; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(key, i);
                ring.Add((XxHash3.HashToUInt64(key, seed), s));
            }
        }
        // Equal points (vanishingly rare) are ordered by server name so every node agrees.
        ring.Sort((x, y) => x.Point != y.Point ? x.Point.CompareTo(y.Point) : string.CompareOrdinal(servers[x.Server].Name, servers[y.Server].Name));
        var points64 = new ulong[ring.Count];
        var owners = new ServerState[ring.Count];
        for (var i = 0; i < ring.Count; i++)
        {
            points64[i] = ring[i].Point;
            owners[i] = servers[ring[i].Server];
        }
        return new Selector(points64, owners);
    }

    private sealed class Selector(ulong[] points, ServerState[] owners) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext context) => owners[Slot(context.Hash)];

        public override PickExplanation Explain(in SelectionContext context)
        {
            var slot = Slot(context.Hash);
            return new PickExplanation(owners[slot], "consistent hash: the first ring point at or after the client's hash",
                new Dictionary<string, string>
                {
                    ["hash"] = context.Hash.ToString("x16", CultureInfo.InvariantCulture),
                    ["slot"] = slot.ToString(CultureInfo.InvariantCulture),
                    ["point"] = points[slot].ToString("x16", CultureInfo.InvariantCulture),
                    ["ring points"] = points.Length.ToString(CultureInfo.InvariantCulture),
                });
        }

        /// <summary>The index of the first point at or after <paramref name="hash"/>, wrapping to 0 past the last.</summary>
        private int Slot(ulong hash)
        {
            var index = Array.BinarySearch(points, hash);
            if (index < 0)
            {
                index = ~index;
            }
            return index == points.Length ? 0 : index;
        }
    }
}
