namespace Tandem.Core.Config;

/// <summary>The per-pool wait line for servers at their <c>max-connections</c> (YAML <c>pools[].queue</c>).</summary>
public sealed record QueueConfig
{
    /// <summary>Key <c>size</c>: requests that may wait; default 1000; beyond it they get 503 at once.</summary>
    public int? Size { get; init; }

    /// <summary>Key <c>timeout</c>: the longest a request waits before it gets 503; default 5 s.</summary>
    public TimeSpan? Timeout { get; init; }
}
