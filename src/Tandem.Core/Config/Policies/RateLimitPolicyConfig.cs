namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>rate-limit</c>: a token bucket per client key, refilled at <see cref="Rate"/> per <see cref="Per"/>, holding at most <see cref="Burst"/>.</summary>
public sealed record RateLimitPolicyConfig
{
    /// <summary>Key <c>key</c>: whose budget a request spends.</summary>
    public required RateLimitKey Key { get; init; }

    /// <summary>Key <c>rate</c> (<c>100/s</c>): tokens added per <see cref="Per"/>.</summary>
    public required int Rate { get; init; }

    /// <summary>The unit of <see cref="Rate"/>: a second, minute or hour.</summary>
    public required TimeSpan Per { get; init; }

    /// <summary>Key <c>burst</c>: the bucket's size; default the rate.</summary>
    public int? Burst { get; init; }

    /// <summary>Key <c>size</c>: keys remembered at most (least recently seen dropped first); default 100,000.</summary>
    public int? Size { get; init; }
}
