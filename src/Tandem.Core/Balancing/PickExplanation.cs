using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// Why a selector would pick a server for a request: the server, the rule that decided, and the facts the rule used
/// (the candidates drawn, the hash slot, the costs compared). Built only for <c>/api/explain</c>, never per request.
/// </summary>
/// <param name="Server">The server that would be picked; null when none is usable.</param>
/// <param name="Rule">The deciding rule in one sentence.</param>
/// <param name="Facts">Inputs of the decision by name, e.g. <c>hash</c>, <c>candidates</c>, <c>cost.a</c>.</param>
public sealed record PickExplanation(ServerState? Server, string Rule, IReadOnlyDictionary<string, string> Facts)
{
    public static PickExplanation None(string rule) => new(null, rule, new Dictionary<string, string>());
}
