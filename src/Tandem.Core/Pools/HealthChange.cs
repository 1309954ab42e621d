namespace Tandem.Core.Pools;

/// <summary>A change of a server's usability: what it became, why, and when (UTC).</summary>
/// <param name="Usable">Whether the server takes new requests now.</param>
/// <param name="State">The state name after the change (<see cref="ServerStateNames"/>).</param>
/// <param name="Reason">Why, in words: "3 probes failed: connection refused", "ejected for 10 s after 5 failures in a row".</param>
/// <param name="At">When.</param>
public sealed record HealthChange(bool Usable, string State, string Reason, DateTimeOffset At);
