namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>forward-auth</c>: a GET to <see cref="Url"/> with the request's credentials; a 2xx answer allows.</summary>
public sealed record ForwardAuthPolicyConfig
{
    /// <summary>Key <c>url</c>, required.</summary>
    public required Uri Url { get; init; }

    /// <summary>Key <c>copy-headers</c>: headers of the auth answer copied onto the request sent to the server.</summary>
    public IReadOnlyList<string>? CopyHeaders { get; init; }

    /// <summary>Key <c>cache</c>: how long an answer is reused for the same credentials; default 5 s.</summary>
    public TimeSpan? Cache { get; init; }

    /// <summary>Key <c>timeout</c>: how long the auth service may take; default 2 s (then 403).</summary>
    public TimeSpan? Timeout { get; init; }
}
