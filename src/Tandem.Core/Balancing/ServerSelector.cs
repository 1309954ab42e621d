using Tandem.Core.Pools;

namespace Tandem.Core.Balancing;

/// <summary>
/// An immutable picker built from the usable servers of a pool at one moment. A new one is built whenever the
/// servers, their states or weights change, and swapped in atomically; <see cref="Pick"/> must not allocate or lock.
/// </summary>
public abstract class ServerSelector
{
    /// <summary>The server for this request, or null when no server is usable.</summary>
    public abstract ServerState? Pick(in SelectionContext context);

    /// <summary>
    /// What <see cref="Pick"/> would do for this request and why, without taking a turn of any rotation (random
    /// choices are drawn afresh, so they may differ from the next real pick). Off the request path; may allocate.
    /// </summary>
    public abstract PickExplanation Explain(in SelectionContext context);
}

/// <summary>The selector of a pool with no usable server.</summary>
public sealed class EmptySelector : ServerSelector
{
    public static readonly EmptySelector Instance = new();

    public override ServerState? Pick(in SelectionContext context) => null;

    public override PickExplanation Explain(in SelectionContext context) =>
        PickExplanation.None("no server is usable (all down, draining or disabled, and no usable backup)");
}
