using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// The requests of RFC 8555 over one <see cref="HttpClient"/>: every POST is a JWS (flattened JSON, ES256) signed with
/// the account key, carrying a fresh nonce (from the last answer's <c>Replay-Nonce</c>, else <c>newNonce</c>) and the
/// URL; the account's first request names its key (<c>jwk</c>), later ones the account URL (<c>kid</c>). A
/// <c>badNonce</c> answer is retried with the nonce it carried, at most <see cref="MaxNonceRetries"/> times.
/// Concurrency: one request at a time (one order runs per client).
/// </summary>
internal sealed class AcmeClient(HttpClient http, Uri directoryUrl, AcmeAccountKey key)
{
    /// <summary>How many times one request is re-signed after <c>badNonce</c> (pebble rejects 5% of nonces by default).</summary>
    public const int MaxNonceRetries = 10;

    private static readonly MediaTypeHeaderValue JoseJson = new("application/jose+json");
    private AcmeDirectory? _directory;
    private string? _nonce;

    /// <summary>The account URL (the <c>kid</c>) once <see cref="AccountAsync"/> has run.</summary>
    public Uri? Account { get; private set; }

    public AcmeAccountKey Key => key;

    /// <summary>Requests re-signed after a badNonce answer so far.</summary>
    public int NonceRetries { get; private set; }

    public async Task<AcmeDirectory> DirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is null)
        {
            using var response = await http.GetAsync(directoryUrl, cancellationToken);
            using var json = await ReadAsync(response, cancellationToken);
            _directory = AcmeDirectory.Parse(json!.RootElement);
        }
        return _directory;
    }

    /// <summary>
    /// Registers the account key (or finds the account it already has: the server answers 200 instead of 201) and
    /// remembers its URL. With <paramref name="onlyReturnExisting"/> no account is created (section 7.3.1).
    /// </summary>
    /// <returns>True when the account already existed.</returns>
    public async Task<bool> AccountAsync(string? email, bool onlyReturnExisting, CancellationToken cancellationToken)
    {
        var directory = await DirectoryAsync(cancellationToken);
        var payload = new JsonObject { ["termsOfServiceAgreed"] = true };
        if (email is not null)
        {
            payload["contact"] = new JsonArray("mailto:" + email);
        }
        if (onlyReturnExisting)
        {
            payload = new JsonObject { ["onlyReturnExisting"] = true };
        }
        using var answer = await PostAsync(directory.NewAccount, payload, cancellationToken, useJwk: true);
        Account = answer.Location ?? throw new AcmeProblemException(AcmeProblemException.Protocol, "the newAccount answer has no Location");
        return answer.Status == 200;
    }

    public async Task<AcmeOrder> NewOrderAsync(IReadOnlyList<string> domains, CancellationToken cancellationToken)
    {
        var directory = await DirectoryAsync(cancellationToken);
        var identifiers = new JsonArray();
        foreach (var domain in domains)
        {
            identifiers.Add(new JsonObject { ["type"] = "dns", ["value"] = domain });
        }
        using var answer = await PostAsync(directory.NewOrder, new JsonObject { ["identifiers"] = identifiers }, cancellationToken);
        var url = answer.Location ?? throw new AcmeProblemException(AcmeProblemException.Protocol, "the newOrder answer has no Location");
        return AcmeOrder.Parse(url, answer.Root);
    }

    public async Task<AcmeOrder> OrderAsync(Uri url, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(url, null, cancellationToken);
        return AcmeOrder.Parse(url, answer.Root);
    }

    public async Task<AcmeAuthorization> AuthorizationAsync(Uri url, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(url, null, cancellationToken);
        return AcmeAuthorization.Parse(answer.Root);
    }

    /// <summary>Tells the server the challenge is ready to be validated (an empty object, section 7.5.1).</summary>
    public async Task RespondAsync(Uri challenge, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(challenge, new JsonObject(), cancellationToken);
    }

    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csr, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(order.Finalize, new JsonObject { ["csr"] = AcmeBase64.Encode(csr) }, cancellationToken);
        return AcmeOrder.Parse(order.Url, answer.Root);
    }

    /// <summary>The issued chain, PEM, leaf first (section 7.4.2).</summary>
    public async Task<string> DownloadAsync(Uri certificate, CancellationToken cancellationToken)
    {
        using var answer = await PostAsync(certificate, null, cancellationToken, accept: "application/pem-certificate-chain");
        return answer.Text;
    }

    /// <summary>A signed POST (<paramref name="payload"/> null: POST-as-GET, an empty payload), re-signed on badNonce.</summary>
    private async Task<Answer> PostAsync(Uri url, JsonObject? payload, CancellationToken cancellationToken, bool useJwk = false, string? accept = null)
    {
        var body = payload is null ? "" : AcmeBase64.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        for (var attempt = 0; ; attempt++)
        {
            var nonce = _nonce ?? await NewNonceAsync(cancellationToken);
            _nonce = null;
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Jws(url, nonce, body, useJwk), Encoding.UTF8) };
            request.Content.Headers.ContentType = JoseJson;
            if (accept is not null)
            {
                request.Headers.Accept.ParseAdd(accept);
            }
            var response = await http.SendAsync(request, cancellationToken);
            TakeNonce(response);
            if (response.IsSuccessStatusCode)
            {
                return await Answer.ReadAsync(response, cancellationToken);
            }
            using (response)
            {
                var problem = await ProblemAsync(response, cancellationToken);
                if (problem.Type != AcmeProblemException.BadNonce || attempt >= MaxNonceRetries)
                {
                    throw problem;
                }
                NonceRetries++;
            }
        }
    }

    private string Jws(Uri url, string nonce, string payload, bool useJwk)
    {
        var header = new JsonObject { ["alg"] = "ES256", ["nonce"] = nonce, ["url"] = url.AbsoluteUri };
        if (useJwk || Account is null)
        {
            header["jwk"] = new JsonObject { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = key.X, ["y"] = key.Y };
        }
        else
        {
            header["kid"] = Account.AbsoluteUri;
        }
        var protectedHeader = AcmeBase64.Encode(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var signature = key.Sign(Encoding.ASCII.GetBytes(protectedHeader + "." + payload));
        return new JsonObject { ["protected"] = protectedHeader, ["payload"] = payload, ["signature"] = AcmeBase64.Encode(signature) }.ToJsonString();
    }

    private async Task<string> NewNonceAsync(CancellationToken cancellationToken)
    {
        var directory = await DirectoryAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        using var response = await http.SendAsync(request, cancellationToken);
        return response.Headers.TryGetValues("Replay-Nonce", out var values) ? values.First()
            : throw new AcmeProblemException(AcmeProblemException.Protocol, $"newNonce answered {(int)response.StatusCode} without a Replay-Nonce", (int)response.StatusCode);
    }

    private void TakeNonce(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Replay-Nonce", out var values))
        {
            _nonce = values.First();
        }
    }

    private static async Task<JsonDocument?> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken);
        }
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            return await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new AcmeProblemException(AcmeProblemException.Protocol, $"the ACME server's answer is not JSON: {ex.Message}", (int)response.StatusCode);
        }
    }

    private static async Task<AcmeProblemException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return new AcmeProblemException(type ?? "about:blank", detail ?? "no detail", (int)response.StatusCode);
        }
        catch (JsonException)
        {
            var shown = text.Length > 200 ? text[..200] : text;
            return new AcmeProblemException(AcmeProblemException.Protocol, $"the ACME server answered {(int)response.StatusCode}: {shown}", (int)response.StatusCode);
        }
    }

    /// <summary>A successful answer: status, Location, and the body as JSON (or text for a certificate).</summary>
    private sealed class Answer : IDisposable
    {
        public int Status { get; private init; }

        public Uri? Location { get; private init; }

        public JsonDocument? Json { get; private init; }

        public string Text { get; private init; } = "";

        public JsonElement Root => Json?.RootElement ?? throw new AcmeProblemException(AcmeProblemException.Protocol, "the ACME server's answer is not JSON", Status);

        public static async Task<Answer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                JsonDocument? json = null;
                if (response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.OrdinalIgnoreCase) && text.Length > 0)
                {
                    try
                    {
                        json = JsonDocument.Parse(text);
                    }
                    catch (JsonException ex)
                    {
                        throw new AcmeProblemException(AcmeProblemException.Protocol, $"the ACME server's answer is not JSON: {ex.Message}", (int)response.StatusCode);
                    }
                }
                var location = response.Headers.Location;
                if (location is not null && !location.IsAbsoluteUri && response.RequestMessage?.RequestUri is { } requested)
                {
                    location = new Uri(requested, location);
                }
                return new Answer { Status = (int)response.StatusCode, Location = location, Json = json, Text = text };
            }
        }

        public void Dispose() => Json?.Dispose();
    }
}
