namespace Tandem.Core.Telemetry;

/// <summary>
/// What the data plane reports to, apart from each server's own <see cref="Pools.IServerTelemetry"/>: its listeners'
/// connections and requests, the pools' queue lengths and every change of a server's usability. Implemented by the
/// observability layer (metrics and the access log) and handed to the data plane by the composition root.
/// </summary>
public interface IDataPlaneTelemetry
{
    /// <summary>The telemetry of listener <paramref name="listener"/>; a listener replaced on reload keeps counting into the same series.</summary>
    IListenerTelemetry ForListener(string listener);

    /// <summary>Registers the pools' queue lengths, read when metrics are collected (never on the request path).</summary>
    void ObserveQueues(Func<IEnumerable<KeyValuePair<string, int>>> read);

    /// <summary>A server of <paramref name="pool"/> became usable or unusable; <paramref name="state"/> is its new state's name.</summary>
    void HealthChanged(string pool, string server, string state);

    /// <summary>Where access policies count their decisions; nothing counted unless the implementation says otherwise.</summary>
    IPolicyTelemetry Policies => NoPolicyTelemetry.Instance;

    /// <summary>Where the HTTP cache reports; nothing recorded unless the implementation says otherwise.</summary>
    ICacheTelemetry Cache => NullCacheTelemetry.Instance;

    /// <summary>The telemetry of layer-4 listener <paramref name="listener"/> (tcp, udp, tls-passthrough); records nothing unless implemented.</summary>
    IStreamTelemetry ForStream(string listener) => NullStreamTelemetry.Instance;
}
