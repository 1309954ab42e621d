using System.Collections.Concurrent;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// The challenges being validated now, shared by every listener of the process: http-01 key authorizations by token
/// (served at <c>/.well-known/acme-challenge/{token}</c> by any HTTP listener, ahead of routes) and tls-alpn-01
/// certificates by name (served to a ClientHello offering ALPN <c>acme-tls/1</c> with that SNI).
/// Concurrency: concurrent dictionaries; the counts let the request and handshake paths skip all work when empty.
/// </summary>
internal sealed class AcmeChallengeStore
{
    /// <summary>The path prefix of http-01 challenges (RFC 8555 section 8.3).</summary>
    public const string HttpPathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<string, string> _http = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<AlpnChallengeCertificate>> _alpn = new(StringComparer.OrdinalIgnoreCase);

    public bool HasHttp => !_http.IsEmpty;

    public bool HasAlpn => !_alpn.IsEmpty;

    public void AddHttp(string token, string keyAuthorization) => _http[token] = keyAuthorization;

    public void RemoveHttp(string token) => _http.TryRemove(token, out _);

    /// <summary>The key authorization for a request path, when it is a pending http-01 challenge's.</summary>
    public string? HttpResponse(string? path) =>
        path is not null && path.StartsWith(HttpPathPrefix, StringComparison.Ordinal) && _http.TryGetValue(path[HttpPathPrefix.Length..], out var answer)
            ? answer : null;

    public void AddAlpn(string domain, string keyAuthorization, TimeProvider time) =>
        _alpn[domain] = new Lazy<AlpnChallengeCertificate>(() => AlpnChallengeCertificate.Create(domain, keyAuthorization, time));

    public void RemoveAlpn(string domain) => _alpn.TryRemove(domain, out _);

    /// <summary>The tls-alpn-01 certificate for <paramref name="serverName"/>; null when none is pending.</summary>
    public AlpnChallengeCertificate? Alpn(string? serverName) =>
        serverName is not null && _alpn.TryGetValue(serverName, out var certificate) ? certificate.Value : null;
}
