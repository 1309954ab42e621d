using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tandem.Pair.Transport;

/// <summary>Why a signed message was refused, or <see cref="Valid"/>.</summary>
internal enum SignatureCheck
{
    Valid,
    Missing,
    BadMac,
    Stale,
    Replayed,
    FromSelf,
}

/// <summary>
/// Signs and checks pair messages: HMAC-SHA256 with the shared secret over the sender's node name, the timestamp (Unix
/// milliseconds), the message path and the body. A timestamp further than <see cref="Window"/> from this node's clock
/// is refused, and a MAC already seen within the window is refused as a replay, so a captured message cannot be sent again.
/// Concurrency: thread-safe; the replay memory is guarded by a lock (the pair channel carries a few messages a second).
/// </summary>
internal sealed class PairSigner(byte[] secret, string node, TimeProvider time)
{
    public const string NodeHeader = "X-Tandem-Node";
    public const string TimeHeader = "X-Tandem-Time";
    public const string MacHeader = "X-Tandem-Mac";

    /// <summary>How far a message's timestamp may be from this node's clock: covers clock skew and a slow network, not more.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private const int MaxRemembered = 8192;
    private readonly Lock _seenGate = new();
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);

    public string Node => node;

    /// <summary>The timestamp and MAC headers for a message from this node.</summary>
    public (string Time, string Mac) Sign(string path, ReadOnlySpan<byte> body)
    {
        var stamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return (stamp, Convert.ToBase64String(Mac(node, stamp, path, body)));
    }

    /// <summary>Checks a message's headers against its path and body; <paramref name="rememberMac"/> turns on replay refusal (for requests).</summary>
    public SignatureCheck Verify(string? sender, string? stamp, string? mac, string path, ReadOnlySpan<byte> body, bool rememberMac)
    {
        if (string.IsNullOrEmpty(sender) || string.IsNullOrEmpty(stamp) || string.IsNullOrEmpty(mac))
        {
            return SignatureCheck.Missing;
        }
        var given = new byte[32];
        if (!Convert.TryFromBase64String(mac, given, out var written) || written != 32)
        {
            return SignatureCheck.BadMac;
        }
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(sender, stamp, path, body)))
        {
            return SignatureCheck.BadMac;
        }
        if (string.Equals(sender, node, StringComparison.Ordinal))
        {
            // Our own message reflected back (or a peer misconfigured with our name): never apply it.
            return SignatureCheck.FromSelf;
        }
        if (!long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var millis))
        {
            return SignatureCheck.Stale;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(now - millis) > (long)Window.TotalMilliseconds)
        {
            return SignatureCheck.Stale;
        }
        return rememberMac && !Remember(mac, now) ? SignatureCheck.Replayed : SignatureCheck.Valid;
    }

    private bool Remember(string mac, long now)
    {
        lock (_seenGate)
        {
            if (_seen.Count >= MaxRemembered)
            {
                var horizon = now - 2 * (long)Window.TotalMilliseconds;
                foreach (var (key, at) in _seen)
                {
                    if (at < horizon)
                    {
                        _seen.Remove(key);
                    }
                }
            }
            return _seen.TryAdd(mac, now);
        }
    }

    private byte[] Mac(string sender, string stamp, string path, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes(sender + "\n" + stamp + "\n" + path + "\n"));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    public static string Describe(SignatureCheck check) => check switch
    {
        SignatureCheck.Missing => "not signed (missing X-Tandem-Node, X-Tandem-Time or X-Tandem-Mac)",
        SignatureCheck.BadMac => "bad MAC (wrong pair secret?)",
        SignatureCheck.Stale => string.Create(CultureInfo.InvariantCulture, $"timestamp more than {Window.TotalSeconds:0} s off this node's clock (replay or clock skew)"),
        SignatureCheck.Replayed => "replayed message (MAC seen before)",
        SignatureCheck.FromSelf => "signed with this node's own name",
        _ => "valid",
    };

    public static string Label(SignatureCheck check) => check switch
    {
        SignatureCheck.Missing => "unsigned",
        SignatureCheck.BadMac => "bad-mac",
        SignatureCheck.Stale => "stale",
        SignatureCheck.Replayed => "replayed",
        SignatureCheck.FromSelf => "from-self",
        _ => "accepted",
    };
}
