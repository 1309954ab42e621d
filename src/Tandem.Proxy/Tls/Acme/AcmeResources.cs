using System.Text.Json;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>The directory's URLs (RFC 8555 section 7.1.1).</summary>
internal sealed record AcmeDirectory(Uri NewNonce, Uri NewAccount, Uri NewOrder)
{
    public static AcmeDirectory Parse(JsonElement json) =>
        new(AcmeJson.Url(json, "newNonce"), AcmeJson.Url(json, "newAccount"), AcmeJson.Url(json, "newOrder"));
}

/// <summary>An order (section 7.1.3): its URL, status, authorizations, finalize URL and, once valid, the certificate URL.</summary>
internal sealed record AcmeOrder(Uri Url, string Status, IReadOnlyList<Uri> Authorizations, Uri Finalize, Uri? Certificate, string? Error)
{
    public static AcmeOrder Parse(Uri url, JsonElement json)
    {
        var authorizations = new List<Uri>();
        foreach (var item in json.GetProperty("authorizations").EnumerateArray())
        {
            authorizations.Add(new Uri(item.GetString()!));
        }
        return new AcmeOrder(url, AcmeJson.String(json, "status"), authorizations, AcmeJson.Url(json, "finalize"),
            json.TryGetProperty("certificate", out var c) && c.ValueKind == JsonValueKind.String ? new Uri(c.GetString()!) : null, AcmeJson.Error(json));
    }
}

/// <summary>An authorization (section 7.1.4): the identifier it is for, its status and its challenges.</summary>
internal sealed record AcmeAuthorization(string Identifier, string Status, IReadOnlyList<AcmeChallengeResource> Challenges, string? Error)
{
    public static AcmeAuthorization Parse(JsonElement json)
    {
        var challenges = new List<AcmeChallengeResource>();
        string? error = null;
        foreach (var item in json.GetProperty("challenges").EnumerateArray())
        {
            var challenge = new AcmeChallengeResource(AcmeJson.String(item, "type"), AcmeJson.Url(item, "url"), AcmeJson.String(item, "status"),
                item.TryGetProperty("token", out var t) ? t.GetString() ?? "" : "");
            challenges.Add(challenge);
            error ??= AcmeJson.Error(item);
        }
        return new AcmeAuthorization(AcmeJson.String(json.GetProperty("identifier"), "value"), AcmeJson.String(json, "status"), challenges, error);
    }
}

/// <summary>One challenge of an authorization (section 7.1.5).</summary>
internal sealed record AcmeChallengeResource(string Type, Uri Url, string Status, string Token);

/// <summary>Reads the members ACME resources are made of, failing with a protocol problem instead of a null.</summary>
internal static class AcmeJson
{
    public static string String(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new AcmeProblemException(AcmeProblemException.Protocol, $"the ACME server's answer has no '{name}'");

    public static Uri Url(JsonElement json, string name) =>
        Uri.TryCreate(String(json, name), UriKind.Absolute, out var url) ? url
            : throw new AcmeProblemException(AcmeProblemException.Protocol, $"the ACME server's '{name}' is not a URL");

    /// <summary>The <c>error</c> problem document of an order or challenge, as one line; null when there is none.</summary>
    public static string? Error(JsonElement json) =>
        json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? $"{(error.TryGetProperty("detail", out var d) ? d.GetString() : "failed")} ({(error.TryGetProperty("type", out var t) ? t.GetString() : "no type")})"
            : null;
}
