namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// The names with an order in flight, process-wide: a certificate orders only after claiming all of its names, so two
/// certificates that share a name never order it at the same time.
/// Concurrency: a lock around one set.
/// </summary>
internal sealed class AcmeNameClaims
{
    private readonly HashSet<string> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public bool TryClaim(IReadOnlyList<string> names)
    {
        lock (_gate)
        {
            if (names.Any(_inFlight.Contains))
            {
                return false;
            }
            _inFlight.UnionWith(names);
            return true;
        }
    }

    public void Release(IReadOnlyList<string> names)
    {
        lock (_gate)
        {
            _inFlight.ExceptWith(names);
        }
    }
}
