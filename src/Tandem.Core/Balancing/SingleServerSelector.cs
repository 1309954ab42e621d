using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>The selector when one server is usable: there is nothing to choose.</summary>
internal sealed class SingleServerSelector(ServerState server) : ServerSelector
{
    public override ServerState? Pick(in SelectionContext context) => server;

    public override PickExplanation Explain(in SelectionContext context) =>
        new(server, "the only usable server", new Dictionary<string, string>());
}
