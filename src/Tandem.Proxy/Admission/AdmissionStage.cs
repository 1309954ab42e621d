using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission;

/// <summary>
/// One check of the admit stage (an access policy, a rate limit), attached to a <see cref="Routing.Route"/> when the
/// config asks for it, so a route without one pays a null check. It runs after the route is matched and before a
/// server is chosen, so a refused request costs no server anything. Connection caps are admitted earlier, by
/// Kestrel (<see cref="ListenerLimits"/>).
/// </summary>
internal abstract class AdmissionStage
{
    /// <summary>
    /// Whether the request may go on. A stage that refuses answers the request itself (401, 403, 429...) and sets
    /// <see cref="RequestState.Error"/>. A synchronous check returns a completed task (no allocation).
    /// </summary>
    public abstract ValueTask<bool> AdmitAsync(RequestState state);
}
