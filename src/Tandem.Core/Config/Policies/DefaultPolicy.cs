namespace Tandem.Core.Config.Policies;

/// <summary>What a listener or route without a policy does (YAML <c>default-policy</c>).</summary>
public enum DefaultPolicy
{
    /// <summary>Everything passes (the default).</summary>
    Allow,

    /// <summary>Everything is refused with 403: the perimeter is explicit.</summary>
    Deny,
}
