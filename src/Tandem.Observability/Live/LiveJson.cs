using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Observability.Live;

/// <summary>
/// The JSON of the live push (one snapshot of every pool and server) and of the history (compact arrays per series).
/// Written by hand with <see cref="Utf8JsonWriter"/>: once per tick for all clients, and NaN (no requests) becomes null.
/// Latencies are in milliseconds, times in Unix seconds.
/// </summary>
internal static class LiveJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// One snapshot: <c>{"at":…, "pools":[{name, algorithm, usable, rps, errorRate, p50, p99, servers:[…]}], "listeners":[…]}</c>
    /// (the listeners of <paramref name="config"/> with their routes or connection rates, see <see cref="LiveListenersJson"/>).
    /// </summary>
    public static byte[] Snapshot(PoolRegistry pools, LiveStats live, DateTimeOffset at, TandemConfig? config = null)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("at", UnixSeconds(at));
            w.WriteStartArray("pools");
            foreach (var pool in Sorted(pools))
            {
                w.WriteStartObject();
                w.WriteString("name", pool.Name);
                w.WriteString("algorithm", pool.Config.Algorithm);
                w.WriteNumber("usable", pool.UsableCount);
                WriteSample(w, live.Latest(pool.Name));
                w.WriteStartArray("servers");
                foreach (var server in pool.Servers)
                {
                    w.WriteStartObject();
                    w.WriteString("name", server.Name);
                    w.WriteString("address", server.Address.ToString());
                    w.WriteString("state", server.StateName);
                    w.WriteBoolean("backup", server.Config.Backup);
                    w.WriteNumber("weight", server.Weight);
                    w.WriteNumber("effectiveWeight", server.EffectiveWeight);
                    w.WriteBoolean("weightOverridden", server.HasWeightOverride);
                    w.WriteNumber("inFlight", server.InFlight);
                    w.WriteNumber("requests", server.Requests);
                    w.WriteNumber("failures", server.Failures);
                    WriteSample(w, live.Latest(pool.Name, server.Name));
                    if (server.LastChange is { } change)
                    {
                        w.WriteStartObject("lastChange");
                        w.WriteString("state", change.State);
                        w.WriteString("reason", change.Reason);
                        w.WriteNumber("at", UnixSeconds(change.At));
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            LiveListenersJson.Write(w, config, live);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// <c>{"interval":1, "minutes":15, "pools":[{name, t:[…], rps:[…], errorRate:[…], p50:[…], p99:[…], servers:[{name, t, …}]}]}</c>:
    /// one array per field so 900 samples stay small.
    /// </summary>
    public static byte[] History(PoolRegistry pools, LiveStats live, TimeSpan span)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("interval", live.Interval.TotalSeconds);
            w.WriteNumber("minutes", span.TotalMinutes);
            w.WriteStartArray("pools");
            foreach (var pool in Sorted(pools))
            {
                w.WriteStartObject();
                w.WriteString("name", pool.Name);
                WriteSeries(w, live.History(pool.Name, null, span));
                w.WriteStartArray("servers");
                foreach (var server in pool.Servers)
                {
                    w.WriteStartObject();
                    w.WriteString("name", server.Name);
                    WriteSeries(w, live.History(pool.Name, server.Name, span));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSample(Utf8JsonWriter w, LiveSample? sample)
    {
        if (sample is not { } s)
        {
            w.WriteNull("rps");
            w.WriteNull("errorRate");
            w.WriteNull("p50");
            w.WriteNull("p99");
            return;
        }
        WriteNumber(w, "rps", s.RequestsPerSecond, 2);
        WriteNumber(w, "errorRate", s.ErrorRate, 4);
        WriteNumber(w, "p50", s.P50 * 1000, 3);
        WriteNumber(w, "p99", s.P99 * 1000, 3);
    }

    private static void WriteSeries(Utf8JsonWriter w, IReadOnlyList<LiveSample> samples)
    {
        w.WriteStartArray("t");
        foreach (var s in samples)
        {
            w.WriteNumberValue(UnixSeconds(s.At));
        }
        w.WriteEndArray();
        WriteArray(w, "rps", samples, s => s.RequestsPerSecond, 2);
        WriteArray(w, "errorRate", samples, s => s.ErrorRate, 4);
        WriteArray(w, "p50", samples, s => s.P50 * 1000, 3);
        WriteArray(w, "p99", samples, s => s.P99 * 1000, 3);
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IReadOnlyList<LiveSample> samples, Func<LiveSample, double> value, int digits)
    {
        w.WriteStartArray(name);
        foreach (var s in samples)
        {
            var v = value(s);
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(Math.Round(v, digits));
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
    }

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

    private static double UnixSeconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    private static List<PoolState> Sorted(PoolRegistry pools)
    {
        var list = new List<PoolState>(pools.Pools.Values);
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }
}
