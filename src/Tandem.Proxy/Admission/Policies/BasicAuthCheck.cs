using System.Collections.Concurrent;
using System.Text;
using Tandem.Core.Config.Policies;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>basic-auth</c>: <c>Authorization: Basic</c> checked against an htpasswd file of bcrypt hashes (BCrypt.Net-Next).
/// bcrypt is slow on purpose (tens of milliseconds), so a verified header is remembered for a few minutes, and
/// forgotten when the file changes. Concurrency: any number of requests; the cache is bounded (cleared when full).
/// </summary>
internal sealed class BasicAuthCheck(WatchedFile<BasicAuthCheck.Users> users, string? realm, TimeProvider time) : PolicyCheck
{
    private const int CacheSize = 10_000;
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    private readonly string _challenge = $"Basic realm=\"{realm ?? "tandem"}\", charset=\"UTF-8\"";

    public static Users Read(string path) =>
        HtpasswdFile.TryRead(path, out var users, out var error) ? new Users(users) : throw new InvalidDataException(error);

    public override string Kind => "basic-auth";

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        var header = state.Http.Request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return new(PolicyVerdict.Unauthorized("basic-missing", _challenge));
        }
        var current = users.Current;
        var now = time.GetUtcNow();
        if (current.Verified.TryGetValue(value, out var cached) && now < cached.Until)
        {
            state.Principal = cached.Principal;
            return new(PolicyVerdict.Allowed);
        }
        var user = Verify(current, value.AsSpan(6).Trim());
        if (user is null)
        {
            return new(PolicyVerdict.Unauthorized("basic", _challenge));
        }
        if (current.Verified.Count >= CacheSize)
        {
            current.Verified.Clear();
        }
        var principal = new PolicyPrincipal(user, null);
        current.Verified[value] = new Cached(principal, now + CacheFor);
        state.Principal = principal;
        return new(PolicyVerdict.Allowed);
    }

    private static string? Verify(Users users, ReadOnlySpan<char> encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.ToString()));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !users.Hashes.TryGetValue(decoded[..colon], out var hash))
        {
            return null;
        }
        try
        {
            return BCrypt.Net.BCrypt.Verify(decoded[(colon + 1)..], hash) ? decoded[..colon] : null;
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return null;
        }
    }

    /// <summary>One version of the file: its users and the headers verified against it.</summary>
    internal sealed class Users(Dictionary<string, string> hashes)
    {
        public Dictionary<string, string> Hashes { get; } = hashes;

        public ConcurrentDictionary<string, Cached> Verified { get; } = new(StringComparer.Ordinal);
    }

    internal sealed record Cached(PolicyPrincipal Principal, DateTimeOffset Until);
}
