namespace Tandem.Core.Config;

/// <summary>When a server's DNS name must resolve (YAML <c>pools[].servers[].resolve</c>).</summary>
public enum ResolveMode
{
    /// <summary><c>start</c> (default): <c>validate</c>, start and reload refuse a name that does not resolve.</summary>
    Start,

    /// <summary>
    /// <c>runtime</c>: the name may not resolve yet (HAProxy's <c>init-addr none</c>, nginx's <c>resolve</c>); requests
    /// to the server fail as a refused connection until it does.
    /// </summary>
    Runtime,
}
