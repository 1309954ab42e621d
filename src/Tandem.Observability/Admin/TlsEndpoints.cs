using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tandem.Core.Runtime;

namespace Tandem.Observability.Admin;

/// <summary><c>GET /api/tls</c>: every TLS listener with its certificates, their validity and how reloading or ordering them goes.</summary>
public static class TlsEndpoints
{
    public static IEndpointRouteBuilder MapTlsApi(this IEndpointRouteBuilder endpoints, TlsStatus status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(time);
        endpoints.MapGet("/api/tls", () => Results.Json(TlsView.From(status.Current, time.GetUtcNow()), TlsJsonContext.Relaxed.TlsView));
        return endpoints;
    }
}

/// <summary>The body of <c>GET /api/tls</c>.</summary>
public sealed record TlsView(IReadOnlyList<TlsListenerView> Listeners)
{
    internal static TlsView From(IReadOnlyList<TlsListenerStatus> listeners, DateTimeOffset now)
    {
        var views = new List<TlsListenerView>(listeners.Count);
        foreach (var listener in listeners)
        {
            var certificates = new List<TlsCertificateView>(listener.Certificates.Count);
            foreach (var c in listener.Certificates)
            {
                double? left = c.NotAfter is { } notAfter ? Math.Round((notAfter - now).TotalSeconds) : null;
                certificates.Add(new TlsCertificateView(c.Name, c.Names, c.Source, c.NotBefore, c.NotAfter, left, c.LastLoaded, c.NextAttempt, c.LastError,
                    c.Ocsp, c.OcspResponder, c.OcspValidUntil));
            }
            views.Add(new TlsListenerView(listener.Listener, certificates));
        }
        return new TlsView(views);
    }
}

public sealed record TlsListenerView(string Name, IReadOnlyList<TlsCertificateView> Certificates);

/// <param name="Name">The primary name (first SAN), the <c>name</c> label of <c>tandem_tls_certificate_expiry_seconds</c>.</param>
/// <param name="Names">The certificate's DNS names.</param>
/// <param name="Source"><c>file</c> or <c>acme</c>.</param>
/// <param name="NotBefore">Null while an ACME certificate is not issued yet.</param>
/// <param name="NotAfter">Null while an ACME certificate is not issued yet.</param>
/// <param name="ExpiresInSeconds">Seconds until <paramref name="NotAfter"/>; negative once expired.</param>
/// <param name="LastReload">When the file was last loaded, or the ACME certificate last issued or loaded.</param>
/// <param name="NextAttempt">ACME: the next renewal or retry.</param>
/// <param name="LastError">The last reload or order failure; null after a success.</param>
/// <param name="Ocsp">OCSP stapling: <c>stapled</c>, <c>waiting</c>, <c>enabled</c>, <c>no-responder</c>, <c>no-issuer</c> or <c>unsupported</c> (<see cref="TlsOcspStates"/>).</param>
/// <param name="OcspResponder">The responder URL from the certificate's AIA extension; null without one.</param>
/// <param name="OcspValidUntil">While <c>stapled</c>: when the held answer lapses (its nextUpdate).</param>
public sealed record TlsCertificateView(string Name, IReadOnlyList<string> Names, string Source, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter,
    double? ExpiresInSeconds, DateTimeOffset? LastReload, DateTimeOffset? NextAttempt, string? LastError, string? Ocsp, string? OcspResponder,
    DateTimeOffset? OcspValidUntil);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TlsView))]
internal sealed partial class TlsJsonContext : JsonSerializerContext
{
    public static TlsJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
