using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Core.Pools;
using Tandem.Forecasting.History;
using Tandem.Forecasting.Models;

namespace Tandem.Forecasting.Planning;

/// <summary>
/// <c>GET /api/forecast</c> for the dashboard: per pool the last 24 hours' actual counts, the next 24 hours' forecast
/// with its p10..p90 interval (<c>p90</c> repeats <c>upper</c>: what capacity is planned on), and for pools with
/// <c>scale-ahead</c> the servers each hour's p90 needs, the capacity per server, the planner's outlook and actions.
/// 404 when the node has no <c>forecast</c> section (the dashboard hides its forecast panel then).
/// </summary>
public static class ForecastApi
{
    /// <param name="endpoints">The admin app.</param>
    /// <param name="pools">The running pools.</param>
    /// <param name="services">The forecasting services, or null when forecasting is off (read per request, so it may start later).</param>
    public static IEndpointRouteBuilder MapTandemForecast(this IEndpointRouteBuilder endpoints, PoolRegistry pools, Func<ForecastServices?> services)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(services);
        endpoints.MapGet("/api/forecast", () => services() is { } started
            ? Results.Text(Render(pools, started), "application/json", Encoding.UTF8)
            : Results.Text("forecasting is off: the config has no forecast section\n", "text/plain", Encoding.UTF8, StatusCodes.Status404NotFound));
        return endpoints;
    }

    internal static string Render(PoolRegistry pools, ForecastServices? services)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("enabled", services is not null);
            writer.WriteStartArray("pools");
            if (services is not null)
            {
                var now = services.Time.GetUtcNow();
                var hourStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
                foreach (var pool in pools.Pools.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    PoolPlan? plan = null;
                    services.Planner?.Plans.TryGetValue(pool.Name, out plan);
                    WritePool(writer, pool.Name, plan ?? Unplanned(services, pool.Name, hourStart));
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static PoolPlan? Unplanned(ForecastServices services, string pool, DateTimeOffset hourStart)
    {
        var history = services.Store.Hours(SeriesKey.Pool(pool), hourStart - ScalePlanner.HistoryWindow, hourStart);
        var forecast = services.Forecasters.For(pool).Forecast(history, 24);
        var take = Math.Min(24, history.Count);
        var actual = new HourlySeries(history.HourAt(history.Count - take), history.Values[(history.Count - take)..]);
        return new PoolPlan(null, actual, forecast, 0, "", []);
    }

    private static void WritePool(Utf8JsonWriter writer, string name, PoolPlan? plan)
    {
        writer.WriteStartObject();
        writer.WriteString("pool", name);
        if (plan is not null)
        {
            writer.WriteStartArray("actual");
            for (var i = 0; i < plan.Actual.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("hour", plan.Actual.HourAt(i));
                Number(writer, "requests", plan.Actual.Values[i]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("forecast");
            for (var i = 0; i < plan.Forecast.Count; i++)
            {
                var hour = plan.Forecast[i];
                writer.WriteStartObject();
                writer.WriteString("hour", hour.Hour);
                writer.WriteNumber("horizon", hour.Horizon);
                Number(writer, "mean", hour.Mean);
                Number(writer, "lower", hour.Lower);
                Number(writer, "upper", hour.Upper);
                Number(writer, "p90", hour.Upper);
                if (plan.HourlyServers is { } servers && i < servers.Count)
                {
                    writer.WriteNumber("servers", servers[i]);
                }
                writer.WriteString("model", hour.Model);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (plan.Capacity > 0)
            {
                Number(writer, "capacityPerServer", plan.Capacity);
            }
            if (plan.Forecast.Count > 0)
            {
                writer.WriteString("model", plan.Forecast[0].Model);
            }
            if (plan.Outlook is { } outlook)
            {
                writer.WriteStartObject("outlook");
                writer.WriteString("at", outlook.At);
                Number(writer, "predictedPeak", outlook.PredictedPeak);
                Number(writer, "capacity", outlook.Capacity);
                writer.WriteBoolean("overloadPredicted", outlook.OverloadPredicted);
                writer.WriteNumber("serversNeeded", outlook.ServersNeeded);
                writer.WriteNumber("plannedServers", plan.PlannedServers);
                writer.WriteString("capacitySource", plan.CapacitySource);
                if (outlook.Action is null)
                {
                    writer.WriteNull("action");
                }
                else
                {
                    writer.WriteString("action", outlook.Action);
                }
                writer.WriteEndObject();
                writer.WriteStartArray("actions");
                foreach (var action in plan.Actions)
                {
                    writer.WriteStartObject();
                    writer.WriteString("at", action.At);
                    writer.WriteString("action", action.Description);
                    writer.WriteBoolean("ok", action.Ok);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
        }
        writer.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, Math.Round(value, 3));
        }
    }
}
