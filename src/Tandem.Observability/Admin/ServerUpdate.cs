using System.Globalization;
using System.Text.Json;
using Tandem.Core.Config;
using Tandem.Core.Pools;

namespace Tandem.Observability.Admin;

/// <summary>
/// The body of <c>POST /api/pools/{pool}/servers/{server}</c>: <c>{"weight": 3}</c>, <c>{"weight": null}</c> (back to
/// the file's weight), <c>{"state": "draining"}</c> (or <c>up</c>, <c>disabled</c>), or both fields.
/// </summary>
internal sealed record ServerUpdate(bool HasWeight, int? Weight, AdminState? State)
{
    public static bool TryParse(JsonElement body, out ServerUpdate update, out string error)
    {
        update = new ServerUpdate(false, null, null);
        error = "";
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "expected a JSON object such as {\"weight\": 3} or {\"state\": \"draining\"}";
            return false;
        }
        var hasWeight = false;
        int? weight = null;
        AdminState? state = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "weight":
                    hasWeight = true;
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var w)
                        || w < ConfigDefaults.MinWeight || w > ConfigDefaults.MaxWeight)
                    {
                        error = string.Create(CultureInfo.InvariantCulture,
                            $"weight must be an integer {ConfigDefaults.MinWeight}..{ConfigDefaults.MaxWeight} (or null for the file's weight), got {property.Value.GetRawText()}");
                        return false;
                    }
                    weight = w;
                    break;
                case "state":
                    if (property.Value.ValueKind != JsonValueKind.String || !ServerStateNames.TryParseAdmin(property.Value.GetString(), out var s))
                    {
                        error = $"state must be \"up\", \"draining\" or \"disabled\", got {property.Value.GetRawText()}";
                        return false;
                    }
                    state = s;
                    break;
                default:
                    error = $"unknown field '{property.Name}'; expected weight or state";
                    return false;
            }
        }
        if (!hasWeight && state is null)
        {
            error = "nothing to change; send weight or state";
            return false;
        }
        update = new ServerUpdate(hasWeight, weight, state);
        return true;
    }

    public void ApplyTo(PoolState pool, ServerState server)
    {
        if (HasWeight)
        {
            pool.SetWeight(server, Weight);
        }
        if (State is { } state)
        {
            pool.SetAdminState(server, state);
        }
    }
}
