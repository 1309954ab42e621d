using System.Net;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Runtime;

namespace Tandem.Observability.Admin;

/// <summary>
/// <c>GET /api/explain?listener=web&amp;host=api.example.com&amp;path=/v1/users[&amp;method=POST]</c>: which route of the
/// listener would serve such a request and why each earlier one would not. Headers and query parameters for
/// <c>match.headers</c> and <c>match.query</c> come as <c>header.NAME=VALUE</c> and <c>query.NAME=VALUE</c>.
/// </summary>
internal static class RouteExplainEndpoint
{
    private const string Example = "/api/explain?listener=web&host=example.com&path=/";

    /// <summary>The parameters this endpoint reads besides <c>header.*</c> and <c>query.*</c>.</summary>
    private static readonly string[] Known = ["listener", "host", "path", "method", "client", "cert.subject", "cert.san", "cert.fingerprint"];

    public static async Task<IResult> ExplainAsync(HttpRequest request, Func<RouteQuery, Task<RouteExplanation?>>? routes,
        Func<string, IPAddress?, Task<ConnectionExplanation?>>? connections = null)
    {
        var query = request.Query;
        var listener = query["listener"].ToString();
        var host = query["host"].ToString();
        var path = query["path"].ToString();
        var method = query["method"].ToString();
        IPAddress? client = null;
        var clientText = query["client"].ToString();
        if (clientText.Length > 0 && !IPAddress.TryParse(clientText, out client))
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest, $"client must be an IPv4 or IPv6 address, got '{clientText}'");
        }
        // A tcp, udp or tls-passthrough listener: would a connection from the client be let through.
        if (connections is not null && listener.Length > 0 && await connections(listener, client) is { } connection)
        {
            return Results.Json(connection, AdminJsonContext.Relaxed.ConnectionExplanation);
        }
        var missing = new List<string>(3);
        foreach (var (name, value) in new[] { ("listener", listener), ("host", host), ("path", path) })
        {
            if (value.Length == 0)
            {
                missing.Add($"'{name}'");
            }
        }
        if (missing.Count > 0)
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest,
                $"query parameter{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} {(missing.Count > 1 ? "are" : "is")} required, e.g. {Example}");
        }
        if (path[0] != '/')
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest, $"path must start with '/', got '{path}'");
        }
        if (query.ContainsKey("pool"))
        {
            return AdminEndpoints.Error(StatusCodes.Status400BadRequest,
                "give 'listener' (which route serves a request) or 'pool' (which server a pool picks), not both");
        }
        var headers = new List<KeyValuePair<string, string>>();
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in query)
        {
            if (name.StartsWith("header.", StringComparison.OrdinalIgnoreCase) && name.Length > "header.".Length)
            {
                headers.Add(new(name["header.".Length..], values.ToString()));
            }
            else if (name.StartsWith("query.", StringComparison.OrdinalIgnoreCase) && name.Length > "query.".Length)
            {
                parameters.Add(new(name["query.".Length..], values.ToString()));
            }
            else if (!IsKnown(name))
            {
                return AdminEndpoints.Error(StatusCodes.Status400BadRequest,
                    $"unknown query parameter '{name}': give listener, host, path, method, client, header.NAME, query.NAME or cert.subject, cert.san, cert.fingerprint");
            }
        }
        ExplainedCertificate? certificate = null;
        if (query.ContainsKey("cert.subject") || query.ContainsKey("cert.san") || query.ContainsKey("cert.fingerprint"))
        {
            var sans = new List<string>();
            foreach (var san in query["cert.san"])
            {
                if (!string.IsNullOrEmpty(san))
                {
                    sans.Add(san);
                }
            }
            certificate = new ExplainedCertificate(NullIfEmpty(query["cert.subject"].ToString()), sans, NullIfEmpty(query["cert.fingerprint"].ToString()));
        }
        var explanation = routes is null ? null : await routes(new RouteQuery(listener, host, path,
            method.Length == 0 ? HttpMethods.Get : method.ToUpperInvariant(), headers, parameters, client, certificate));
        return explanation is null
            ? AdminEndpoints.Error(StatusCodes.Status404NotFound, $"no http listener named '{listener}'")
            : Results.Json(explanation, AdminJsonContext.Relaxed.RouteExplanation);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static bool IsKnown(string name)
    {
        foreach (var known in Known)
        {
            if (string.Equals(name, known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
