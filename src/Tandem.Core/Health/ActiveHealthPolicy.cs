namespace Tandem.Core.Health;

/// <summary>
/// The rise/fall rule of active checks, as HAProxy's: a server that is up goes down after <c>fall</c> failed probes in
/// a row; a server that is down comes up after <c>rise</c> passed probes in a row. Servers start up (HAProxy's
/// default without init-state), so a node that starts serves at once and a dead server is found within fall probes
/// (passive checks and retries cover the first requests). Pure: no clock, no I/O.
/// Concurrency: one instance per server, used by that server's probe loop only.
/// </summary>
public sealed class ActiveHealthPolicy(int rise, int fall)
{
    private int _passes;
    private int _failures;

    /// <summary>The verdict so far.</summary>
    public bool Up { get; private set; } = true;

    /// <summary>Whether the last probe failed (while up, the faster <c>fall-interval</c> applies).</summary>
    public bool Failing => _failures > 0;

    /// <summary>Takes one probe's outcome; returns the reason when the verdict flips, else null.</summary>
    public string? Observe(bool passed, string detail)
    {
        if (passed)
        {
            _failures = 0;
            _passes++;
            if (!Up && _passes >= rise)
            {
                Up = true;
                return rise == 1 ? $"probe passed: {detail}" : $"{_passes} probes passed in a row (last: {detail})";
            }
            return null;
        }
        _passes = 0;
        _failures++;
        if (Up && _failures >= fall)
        {
            Up = false;
            return fall == 1 ? $"probe failed: {detail}" : $"{_failures} probes failed in a row (last: {detail})";
        }
        return null;
    }
}
