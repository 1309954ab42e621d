using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Tandem.Core.Config;
using Tandem.Core.Tls;

namespace Tandem.Commands;

/// <summary>
/// How a command reaches a node's admin API. <c>--admin</c> gives the address (<c>HOST:PORT</c> for HTTP,
/// <c>https://HOST:PORT</c> for an admin listener with <c>admin.tls</c>); <c>--config</c> reads the node's own config
/// instead: its <c>admin.bind</c> (a wildcard bind is reached on loopback), HTTPS when it has <c>admin.tls</c>, trusting
/// exactly the certificates that section serves (whatever name the address has), and the token of <c>admin.token-file</c>.
/// <c>--ca</c> (or <c>TANDEM_ADMIN_CA</c>) trusts a CA file for the certificate, name checked as a browser would;
/// <c>--client-cert</c>/<c>--client-key</c> present a certificate to an admin listener that asks for one.
/// </summary>
internal sealed class AdminEndpoint
{
    /// <summary>The environment variable naming a CA file, like <c>--ca</c>.</summary>
    public const string CaVariable = "TANDEM_ADMIN_CA";

    private readonly List<byte[]> _pinned = [];
    private readonly X509Certificate2Collection _authorities = [];
    private X509Certificate2? _clientCertificate;
    private string? _token;

    private AdminEndpoint(Uri baseUri, string display)
    {
        BaseUri = baseUri;
        Display = display;
    }

    /// <summary>The admin listener's root URL.</summary>
    public Uri BaseUri { get; }

    /// <summary>The address as the user wrote it or the config named it, for messages.</summary>
    public string Display { get; }

    public bool IsHttps => BaseUri.Scheme == Uri.UriSchemeHttps;

    /// <summary>Where to find the admin API; null after writing why to <paramref name="problem"/>.</summary>
    public static AdminEndpoint? Resolve(string? admin, string? configPath, string? caPath, string? clientCert, string? clientKey, out string? problem)
    {
        AdminConfig? config = null;
        if (configPath is not null)
        {
            var loaded = ConfigLoader.Load(configPath);
            if (!loaded.IsValid)
            {
                problem = $"--config {configPath}: " + string.Join("; ", loaded.Problems);
                return null;
            }
            config = loaded.Config!.Admin;
        }
        AdminEndpoint endpoint;
        if (admin is null)
        {
            endpoint = FromConfig(config);
        }
        else if (FromOption(admin, config, out var why) is { } given)
        {
            endpoint = given;
        }
        else
        {
            problem = $"--admin '{admin}': {why}";
            return null;
        }
        endpoint._token = config?.TokenFile is { } tokenFile && AdminToken.TryRead(tokenFile, out var token, out _) ? token : null;
        if (config?.Tls is { } tls)
        {
            foreach (var files in tls.Certificates)
            {
                if (PemCertificate.TryLoad(files.Cert, files.Key, out _) is { } served)
                {
                    endpoint._pinned.Add(served.Leaf.RawData);
                }
            }
        }
        caPath ??= Environment.GetEnvironmentVariable(CaVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        if (caPath is not null)
        {
            var bundle = PemCertificate.TryLoadBundle(caPath, out var error);
            if (bundle is null)
            {
                problem = $"--ca: {error}";
                return null;
            }
            endpoint._authorities.AddRange(bundle);
        }
        if ((clientCert is null) != (clientKey is null))
        {
            problem = "--client-cert and --client-key go together";
            return null;
        }
        if (clientCert is not null)
        {
            var client = PemCertificate.TryLoad(clientCert, clientKey!, out var error);
            if (client is null)
            {
                problem = $"--client-cert: {error}";
                return null;
            }
            endpoint._clientCertificate = client.Leaf;
        }
        problem = null;
        return endpoint;
    }

    private static AdminEndpoint FromConfig(AdminConfig? config)
    {
        var bind = config?.Bind ?? ConfigDefaults.AdminBind;
        var ip = bind.Ip ?? IPAddress.Loopback;
        if (ip.Equals(IPAddress.Any))
        {
            ip = IPAddress.Loopback;
        }
        else if (ip.Equals(IPAddress.IPv6Any))
        {
            ip = IPAddress.IPv6Loopback;
        }
        var host = new IPEndPoint(ip, bind.Port).ToString();
        var scheme = config?.Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        return new AdminEndpoint(new Uri($"{scheme}://{host}/"), host);
    }

    private static AdminEndpoint? FromOption(string admin, AdminConfig? config, out string? problem)
    {
        var address = StripScheme(admin, out var scheme);
        if (!HostPort.TryParse(address, out var hostPort, out problem))
        {
            return null;
        }
        // HOST:PORT alone: HTTPS when the config given says the admin listener has TLS.
        scheme ??= config?.Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps;
        var host = hostPort.HostForUri() + ":" + hostPort.Port.ToString(CultureInfo.InvariantCulture);
        return new AdminEndpoint(new Uri($"{scheme}://{host}/"), host);
    }

    private static string StripScheme(string text, out string? scheme)
    {
        foreach (var candidate in (string[])[Uri.UriSchemeHttps, Uri.UriSchemeHttp])
        {
            var prefix = candidate + "://";
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                scheme = candidate;
                return text[prefix.Length..].TrimEnd('/');
            }
        }
        scheme = null;
        return text;
    }

    /// <summary>A client for <see cref="BaseUri"/> that trusts what this endpoint was told to trust and sends the token.</summary>
    public HttpClient CreateClient(TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        if (_clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [_clientCertificate];
        }
        var client = new HttpClient(handler) { Timeout = timeout, BaseAddress = BaseUri };
        if (_token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }
        return client;
    }

    /// <summary>A line that says what to do about a failed request: an untrusted certificate, or HTTP against HTTPS.</summary>
    public string Explain(HttpRequestException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.InnerException is AuthenticationException)
        {
            return IsHttps
                ? $"{ex.Message} The admin listener's certificate is not trusted: pass --config with the node's config file (trusts the certificates its admin.tls serves) or --ca with the CA that issued it ({CaVariable})."
                : ex.Message;
        }
        if (!IsHttps && ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            return $"{ex.Message} Does the admin listener have admin.tls? Then use --admin https://{Display} or --config.";
        }
        return ex.Message;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null)
        {
            return false;
        }
        var raw = certificate.GetRawCertData();
        foreach (var pinned in _pinned)
        {
            if (raw.AsSpan().SequenceEqual(pinned))
            {
                // The very certificate the node's config serves: trusted whatever name the address has.
                return true;
            }
        }
        if (_authorities.Count == 0 || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var leaf = X509CertificateLoader.LoadCertificate(raw);
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return custom.Build(leaf);
    }
}
