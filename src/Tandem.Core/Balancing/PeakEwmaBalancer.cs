using System.Globalization;
using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Latency-aware power of two choices, after Finagle's and Linkerd's PeakEWMA: draw two servers by weight and pick
/// the lower cost, where cost = response-time average (<see cref="PeakEwma"/>) x (requests in flight + 1) / weight.
/// A server that slows down is avoided at once (the average jumps to a slow sample); one that recovers wins back
/// traffic as its average decays. A server with no sample yet costs 0 while idle (so it is tried) and a large
/// penalty once it has a request in flight (so a fresh server is not flooded before its first answer).
/// </summary>
public sealed class PeakEwmaBalancer : IBalancer
{
    /// <summary>The cost of an unmeasured server with requests in flight: above any real latency.</summary>
    private const double UnmeasuredPenalty = 1e6;

    public string Name => BalancingAlgorithms.PeakEwma;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        return servers.Count == 1 ? new SingleServerSelector(servers[0]) : new Selector([.. servers], new WeightedDraw(servers), context);
    }

    internal static double Cost(ServerState server, long now)
    {
        var inFlight = server.InFlight;
        var latency = server.Latency.Seconds(now);
        if (latency == 0 && inFlight > 0)
        {
            return UnmeasuredPenalty + inFlight;
        }
        return latency * (inFlight + 1) * 10 / Math.Max(1, server.TenthsOfWeight);
    }

    private sealed class Selector(ServerState[] servers, WeightedDraw draw, BalancerContext context) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext selection)
        {
            var first = draw.Next(context.Random);
            var second = draw.NextOther(context.Random, first);
            var now = context.Time.GetTimestamp();
            return Cost(servers[second], now) < Cost(servers[first], now) ? servers[second] : servers[first];
        }

        public override PickExplanation Explain(in SelectionContext selection)
        {
            var first = draw.Next(context.Random);
            var second = draw.NextOther(context.Random, first);
            var now = context.Time.GetTimestamp();
            var a = servers[first];
            var b = servers[second];
            var facts = new Dictionary<string, string> { ["candidates"] = a.Name + ", " + b.Name };
            foreach (var server in (ReadOnlySpan<ServerState>)[a, b])
            {
                facts["latency ms." + server.Name] = (server.Latency.Seconds(now) * 1000).ToString("0.###", CultureInfo.InvariantCulture);
                facts["in-flight." + server.Name] = server.InFlight.ToString(CultureInfo.InvariantCulture);
                facts["cost." + server.Name] = Cost(server, now).ToString("0.######", CultureInfo.InvariantCulture);
            }
            return new PickExplanation(Cost(b, now) < Cost(a, now) ? b : a,
                "two servers drawn at random by weight; the lower latency average x (in flight + 1) / weight (a fresh draw: the next request may draw others)", facts);
        }
    }
}
