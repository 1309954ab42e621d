namespace Tandem.Core.Pools;

/// <summary>One active probe's outcome.</summary>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was seen: "200 in 3 ms", "connection refused", "timed out after 1000 ms".</param>
/// <param name="At">When (UTC).</param>
public sealed record ProbeResult(bool Passed, string Detail, DateTimeOffset At);
