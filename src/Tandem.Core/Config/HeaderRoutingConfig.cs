using System.Net;

namespace Tandem.Core.Config;

/// <summary>
/// <c>header-routing</c> on a listener or a route (the route's replaces the listener's): a trusted caller (client
/// address, after <c>trusted-proxies</c>, in <see cref="From"/>) picks the pool or the server of its request by name
/// and weighs the servers for it. The headers are removed before forwarding, whoever sent them; a caller outside
/// <see cref="From"/> is not obeyed. Unknown names leave the request to the route's own action.
/// </summary>
public sealed record HeaderRoutingConfig
{
    /// <summary>Key <c>pool-header</c>: the header naming the pool (any pool of the config) that serves the request.</summary>
    public string? PoolHeader { get; init; }

    /// <summary>Key <c>server-header</c>: the header naming the server (of the request's pool) that serves the request.</summary>
    public string? ServerHeader { get; init; }

    /// <summary>
    /// Key <c>weight-header</c>: the header that scales server weights for this request, <c>NAME=FACTOR, ...</c>
    /// (factor 0..100; a server not named keeps factor 1; 0 leaves it out).
    /// </summary>
    public string? WeightHeader { get; init; }

    /// <summary>Key <c>from</c>, required: the client networks whose headers are obeyed.</summary>
    public required IReadOnlyList<IPNetwork> From { get; init; }
}
