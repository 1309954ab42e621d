using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>Weighted random: each request goes to a server drawn with probability weight / total. No state at all.</summary>
public sealed class RandomBalancer : IBalancer
{
    public string Name => BalancingAlgorithms.Random;

    public ServerSelector Build(IReadOnlyList<ServerState> servers, BalancerContext context)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(context);
        return new Selector([.. servers], new WeightedDraw(servers), context.Random);
    }

    private sealed class Selector(ServerState[] servers, WeightedDraw draw, IRandomSource random) : ServerSelector
    {
        public override ServerState? Pick(in SelectionContext context) => servers[draw.Next(random)];

        public override PickExplanation Explain(in SelectionContext context) =>
            new(servers[draw.Next(random)], "drawn at random with probability weight / total (a fresh draw: the next request may get another)",
                new Dictionary<string, string>());
    }
}
