namespace Tandem.Core.Config.Policies;

/// <summary>Key <c>basic-auth</c>.</summary>
public sealed record BasicAuthPolicyConfig
{
    /// <summary>Key <c>htpasswd</c>: a file of <c>user:bcrypt-hash</c> lines (<c>htpasswd -B</c>), re-read when it changes.</summary>
    public required string File { get; init; }

    /// <summary>Key <c>realm</c>: shown by browsers; default <c>tandem</c>.</summary>
    public string? Realm { get; init; }
}
