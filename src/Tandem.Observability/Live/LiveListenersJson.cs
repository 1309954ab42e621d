using System.Text.Json;
using Tandem.Core.Config;

namespace Tandem.Observability.Live;

/// <summary>
/// The <c>listeners</c> part of the live snapshot: per HTTP listener its routes (each with its action, pools and rates),
/// per layer-4 listener its pools and connection rates. Read from the config in force and the per-tick rates of
/// <see cref="LiveStats"/>; nothing here runs per request.
/// </summary>
internal static class LiveListenersJson
{
    /// <summary>What the route a listener without <c>routes</c> is counted as (the proxy's <c>Route.ListenerRouteName</c>).</summary>
    internal const string DefaultRoute = "default";

    /// <summary>What unmatched requests of a listener without <c>pool</c> are counted as (the proxy's <c>Route.NoRouteName</c>).</summary>
    internal const string NoRoute = "none";

    /// <summary>
    /// <c>"listeners":[{name, protocol, routed, routes:[{name, action, pools, detail, rps, errorRate, meanMs, requests}]}
    /// | {name, protocol, pools, active, newPerSecond, bytesInPerSecond, bytesOutPerSecond, connections, failed}]</c>.
    /// </summary>
    public static void Write(Utf8JsonWriter w, TandemConfig? config, LiveStats live)
    {
        w.WriteStartArray("listeners");
        foreach (var listener in config?.Listeners ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", listener.Name);
            w.WriteString("protocol", ProtocolName(listener.Protocol));
            if (listener.Protocol == ListenerProtocol.Http)
            {
                WriteRoutes(w, listener, live);
            }
            else
            {
                WriteStream(w, listener, live);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteRoutes(Utf8JsonWriter w, ListenerConfig listener, LiveStats live)
    {
        var routes = listener.Routes ?? [];
        w.WriteBoolean("routed", routes.Count > 0);
        w.WriteStartArray("routes");
        foreach (var route in routes)
        {
            w.WriteStartObject();
            w.WriteString("name", route.Name);
            if (route.Split is { } split)
            {
                w.WriteString("action", "split");
                w.WriteStartArray("pools");
                foreach (var side in split)
                {
                    w.WriteStringValue(side.Pool);
                }
                w.WriteEndArray();
                w.WriteString("detail", string.Join(" / ", split.Select(s => $"{s.Pool} {s.Weight}")));
            }
            else if (route.Redirect is { } redirect)
            {
                w.WriteString("action", "redirect");
                w.WriteStartArray("pools");
                w.WriteEndArray();
                w.WriteString("detail", $"{redirect.Status} {redirect.To}");
            }
            else if (route.Respond is { } respond)
            {
                w.WriteString("action", "respond");
                w.WriteStartArray("pools");
                w.WriteEndArray();
                w.WriteString("detail", respond.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                WritePoolAction(w, route.Pool ?? "");
            }
            WriteRate(w, live.Rate(listener.Name, route.Name));
            w.WriteEndObject();
        }
        if (routes.Count == 0 || listener.HasDefaultPool)
        {
            // The listener's own catch-all: every request of a listener without routes, what no route matched otherwise.
            w.WriteStartObject();
            w.WriteString("name", DefaultRoute);
            WritePoolAction(w, listener.Pool);
            w.WriteBoolean("implicit", true);
            WriteRate(w, live.Rate(listener.Name, DefaultRoute));
            w.WriteEndObject();
        }
        else if (live.Rate(listener.Name, NoRoute) is { Total: > 0 } unmatched)
        {
            // Requests no route matched and no pool took (404): a row only once there were some.
            w.WriteStartObject();
            w.WriteString("name", NoRoute);
            w.WriteString("action", "respond");
            w.WriteStartArray("pools");
            w.WriteEndArray();
            w.WriteString("detail", "404 no route matched");
            w.WriteBoolean("implicit", true);
            WriteRate(w, unmatched);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WritePoolAction(Utf8JsonWriter w, string pool)
    {
        w.WriteString("action", "pool");
        w.WriteStartArray("pools");
        if (pool.Length > 0)
        {
            w.WriteStringValue(pool);
        }
        w.WriteEndArray();
    }

    private static void WriteRate(Utf8JsonWriter w, LiveRate? rate)
    {
        if (rate is not { } r)
        {
            w.WriteNull("rps");
            w.WriteNull("errorRate");
            w.WriteNull("meanMs");
            w.WriteNumber("requests", 0);
            return;
        }
        WriteNumber(w, "rps", r.PerSecond, 2);
        WriteNumber(w, "errorRate", r.ErrorRate, 4);
        WriteNumber(w, "meanMs", r.MeanSeconds * 1000, 3);
        w.WriteNumber("requests", r.Total);
    }

    private static void WriteStream(Utf8JsonWriter w, ListenerConfig listener, LiveStats live)
    {
        w.WriteStartArray("pools");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in listener.Stream?.Routes ?? [])
        {
            if (seen.Add(route.Pool))
            {
                w.WriteStringValue(route.Pool);
            }
        }
        if (listener.Pool.Length > 0 && seen.Add(listener.Pool))
        {
            w.WriteStringValue(listener.Pool);
        }
        w.WriteEndArray();
        var rate = live.Rate(listener.Name, null);
        w.WriteNumber("active", rate?.Active ?? 0);
        WriteNumber(w, "newPerSecond", rate?.PerSecond ?? double.NaN, 2);
        WriteNumber(w, "bytesInPerSecond", rate?.BytesInPerSecond ?? double.NaN, 0);
        WriteNumber(w, "bytesOutPerSecond", rate?.BytesOutPerSecond ?? double.NaN, 0);
        w.WriteNumber("connections", rate?.Total ?? 0);
        w.WriteNumber("failed", rate?.Errors ?? 0);
    }

    private static string ProtocolName(ListenerProtocol protocol) => protocol switch
    {
        ListenerProtocol.Tcp => "tcp",
        ListenerProtocol.Udp => "udp",
        ListenerProtocol.TlsPassthrough => "tls-passthrough",
        _ => "http",
    };

    private static void WriteNumber(Utf8JsonWriter w, string name, double value, int digits)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, digits));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
