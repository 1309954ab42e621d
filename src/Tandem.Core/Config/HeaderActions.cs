namespace Tandem.Core.Config;

/// <summary>
/// A route's <c>request-headers</c> or <c>response-headers</c>: applied in the order remove, set, add. Values may
/// hold <c>{client.ip}</c>, <c>{host}</c>, <c>{scheme}</c>, <c>{request.id}</c> and <c>{server.name}</c>.
/// </summary>
public sealed record HeaderActions
{
    /// <summary>Key <c>set</c>: name to value; replaces whatever the header had (a client-sent value included).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Set { get; init; } = [];

    /// <summary>Key <c>add</c>: name to value; appended to the values the header has.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Add { get; init; } = [];

    /// <summary>Key <c>remove</c>: header names removed.</summary>
    public IReadOnlyList<string> Remove { get; init; } = [];
}
