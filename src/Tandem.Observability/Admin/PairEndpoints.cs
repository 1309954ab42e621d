using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Core.Runtime;

namespace Tandem.Observability.Admin;

/// <summary><c>GET /api/pair</c>: this node's view of the pair (role <c>standalone</c> without a <c>pair</c> section).</summary>
public static class PairEndpoints
{
    public static IEndpointRouteBuilder MapPairApi(this IEndpointRouteBuilder endpoints, PairHealth health)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(health);
        endpoints.MapGet("/api/pair", () => Results.Json(PairView.From(health.Current), PairJsonContext.Relaxed.PairView));
        return endpoints;
    }

    internal static string RoleName(PairRole role) => role switch
    {
        PairRole.Standalone => "standalone",
        PairRole.Syncing => "syncing",
        PairRole.Master => "master",
        PairRole.Backup => "backup",
        _ => "fault",
    };
}

/// <summary>The body of <c>GET /api/pair</c>.</summary>
/// <param name="Node">This node's name; empty when standalone.</param>
/// <param name="Role"><c>standalone</c>, <c>syncing</c>, <c>master</c>, <c>backup</c> or <c>fault</c>.</param>
/// <param name="Peer">The peer's name once heard from, else its address.</param>
/// <param name="PeerRole">The peer's role as it last reported it; null when unknown.</param>
/// <param name="PeerAlive">Whether heartbeats arrive within peer-timeout.</param>
/// <param name="PeerLastSeen">When the peer was last heard from.</param>
/// <param name="LastSync">When state was last exchanged with the peer.</param>
/// <param name="LagChanges">Local changes the peer has not acknowledged.</param>
/// <param name="ConfigVersion">This node's config version without its pair section.</param>
/// <param name="PeerConfigVersion">The peer's, as it last reported it.</param>
/// <param name="VipHolder">The node holding the VIP as far as this node knows.</param>
public sealed record PairView(string Node, string Role, string? Peer, string? PeerRole, bool PeerAlive, DateTimeOffset? PeerLastSeen,
    DateTimeOffset? LastSync, long LagChanges, string? ConfigVersion, string? PeerConfigVersion, string? VipHolder)
{
    public static PairView From(PairSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new PairView(s.Node, PairEndpoints.RoleName(s.Role), s.Peer, s.PeerRole is { } r ? PairEndpoints.RoleName(r) : null, s.PeerAlive,
            s.PeerLastSeen, s.LastSync, s.SyncLag, s.ConfigVersion, s.PeerConfigVersion, s.VipHolder);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(PairView))]
internal sealed partial class PairJsonContext : JsonSerializerContext
{
    public static PairJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
