using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config;

namespace Tandem.Observability.Admin;

/// <summary>
/// Who may use the admin listener. Without <c>admin.token-file</c> everything is open (the admin bind defaults to
/// loopback). With a token, every changing request under <c>/api</c> (anything but GET and HEAD) needs
/// <c>Authorization: Bearer TOKEN</c>; reads (<c>/api</c> GETs and <c>/metrics</c>) stay open when the admin bind is a
/// loopback address and need the token too when it is not, because then anyone on the network could read the topology.
/// The dashboard's static files and <c>/healthz</c> carry no data and stay open, so the page can load and ask for the token.
/// Concurrency: the token is swapped atomically on reload; checks read it without a lock.
/// </summary>
public sealed class AdminAccess
{
    private volatile byte[]? _tokenHash;

    public AdminAccess(bool readsNeedToken, string? token)
    {
        ReadsNeedToken = readsNeedToken;
        SetToken(token);
    }

    /// <summary>No token: every request is allowed.</summary>
    public static AdminAccess Open { get; } = new(false, null);

    /// <summary>True when reads need the token as well (a token is set and the admin bind is not loopback).</summary>
    public bool ReadsNeedToken { get; }

    public bool HasToken => _tokenHash is not null;

    /// <summary>The access rule of <paramref name="admin"/>: reads the token file; throws with the validation message when it cannot.</summary>
    public static AdminAccess For(AdminConfig? admin)
    {
        var bind = admin?.Bind ?? ConfigDefaults.AdminBind;
        var loopback = bind.Ip is not { } ip || IPAddress.IsLoopback(ip);
        return new AdminAccess(!loopback, ReadToken(admin));
    }

    /// <summary>Takes the token of a reloaded config (the bind, and so the rule for reads, changes only on restart).</summary>
    public void Reload(AdminConfig? admin) => SetToken(ReadToken(admin));

    /// <summary>True when <paramref name="request"/> needs the token under this rule.</summary>
    public bool Requires(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_tokenHash is null)
        {
            return false;
        }
        var path = request.Path;
        var api = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (api && !read)
        {
            return true;
        }
        return ReadsNeedToken && (api || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when <paramref name="request"/> carries the token (compared in constant time).</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_tokenHash is not { } expected)
        {
            return true;
        }
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Hashing both sides gives equal lengths, so the comparison time says nothing about the token's length either.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private void SetToken(string? token) =>
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string? ReadToken(AdminConfig? admin)
    {
        if (admin?.TokenFile is not { } file)
        {
            return null;
        }
        return AdminToken.TryRead(file, out var token, out var error) ? token : throw new InvalidOperationException("admin.token-file: " + error);
    }
}
