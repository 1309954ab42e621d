using System.Text.Json.Serialization;

namespace Tandem.Pair.Transport;

/// <summary>
/// The pair channel's paths (POST, JSON bodies, every request and answer signed). Each replicator maps its own
/// (<see cref="PairRoutes.Map"/>); they are listed here so both ends of a message name the same one.
/// </summary>
internal static class PairPaths
{
    public const string Heartbeat = "/pair/heartbeat";
    public const string Changes = "/pair/changes";
    public const string Snapshot = "/pair/snapshot";
    public const string Config = "/pair/config";
    public const string Sticky = "/pair/sticky";
    public const string RateLimits = "/pair/rate-limits";
    public const string CachePurge = "/pair/cache-purge";
    public const string AcmeFetch = "/pair/acme-fetch";
    public const string AcmeOffer = "/pair/acme-offer";

    /// <summary>A message's metrics label: the path's last segment (<c>/pair/heartbeat</c> is <c>heartbeat</c>).</summary>
    public static string TypeOf(string path) => path[(path.LastIndexOf('/') + 1)..];
}

/// <summary>Sent every <c>pair.heartbeat</c>: who the sender is and what it runs.</summary>
/// <param name="Node">The sender's node name.</param>
/// <param name="Incarnation">Changes on every start of the sender, so the receiver sees a restart.</param>
/// <param name="Role">The sender's role (<c>syncing</c>, <c>master</c>, <c>backup</c>, <c>fault</c>).</param>
/// <param name="ConfigVersion">The version of the sender's config without its pair section.</param>
/// <param name="ConfigStamp">When that config was written (Unix ms); the newer one wins.</param>
/// <param name="VipHolder">The node the sender believes holds the VIP.</param>
internal sealed record HeartbeatMessage(string Node, string Incarnation, string Role, string? ConfigVersion, long ConfigStamp, string? VipHolder);

/// <summary>One runtime override with its last-writer-wins stamp.</summary>
/// <param name="Pool">The pool's name.</param>
/// <param name="Server">The server's name.</param>
/// <param name="Field"><c>weight</c> or <c>state</c>.</param>
/// <param name="Weight">The run-time weight; null means back to the file's weight.</param>
/// <param name="State"><c>up</c>, <c>draining</c> or <c>disabled</c>.</param>
/// <param name="At">When it was made (Unix ms, the writer's clock).</param>
/// <param name="Writer">The node that made it; breaks ties of <paramref name="At"/>.</param>
internal sealed record OverrideEntry(string Pool, string Server, string Field, int? Weight, string? State, long At, string Writer);

/// <summary>This node's changes the peer has not acknowledged yet; <paramref name="Seq"/> is the highest sequence among them.</summary>
internal sealed record ChangesMessage(string Node, string Incarnation, long Seq, IReadOnlyList<OverrideEntry> Entries);

/// <summary>The answer to <see cref="ChangesMessage"/>: the sequence now applied.</summary>
internal sealed record AckMessage(long Seq);

/// <summary>Asks the peer for its whole state.</summary>
internal sealed record SnapshotRequest(string Node);

/// <summary>
/// Every runtime override the sender knows, its config, and its sticky clients (up to a bound): each replicator fills
/// its own field. A new field must be optional (nullable, default null): a peer of the previous build ignores it and
/// sends none.
/// </summary>
internal sealed record SnapshotMessage(IReadOnlyList<OverrideEntry> Entries, ConfigOffer? Config, IReadOnlyList<StickyItem>? Sticky = null);

/// <summary>One sticky client of a pool's table: the hash of its key, its server, when it was last seen (Unix ms).</summary>
internal sealed record StickyItem(string Pool, ulong Key, string Server, long LastSeen);

/// <summary>Sticky clients learned or seen again on the sender since its last such message; best effort, not acknowledged one by one.</summary>
internal sealed record StickyMessage(string Node, IReadOnlyList<StickyItem> Items);

/// <summary>The answer to <see cref="StickyMessage"/>: how many items changed the receiver's tables.</summary>
internal sealed record StickyReply(int Applied);

/// <summary>Tokens one rate-limit bucket of the sender spent since its last such message.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Key">The bucket's key (<c>@203.0.113.9</c> for a client address, else the header, claim or subject value).</param>
/// <param name="Count">Tokens spent.</param>
internal sealed record RateLimitItem(string Policy, string Key, int Count);

/// <summary>
/// What the sender's rate limiters spent since its last such message; best effort, not acknowledged item by item.
/// <paramref name="Version"/> is the format (1); a receiver that does not know it charges nothing.
/// </summary>
internal sealed record RateLimitMessage(int Version, string Node, IReadOnlyList<RateLimitItem> Items);

/// <summary>The answer to <see cref="RateLimitMessage"/>: how many items found their policy on the receiver.</summary>
internal sealed record RateLimitReply(int Applied);

/// <summary>A config without its <c>pair</c> section, offered to the peer.</summary>
/// <param name="Node">The offering node.</param>
/// <param name="Version">The version of <paramref name="Yaml"/> (<c>ConfigLoader.VersionOf</c>).</param>
/// <param name="Stamp">When it was written on the offering node (Unix ms).</param>
/// <param name="Yaml">The config text without the pair section.</param>
internal sealed record ConfigOffer(string Node, string Version, long Stamp, string Yaml);

/// <summary>The answer to a <see cref="ConfigOffer"/>.</summary>
internal sealed record ConfigReply(bool Accepted, string? Problem);

/// <summary>An operator's cache purge on the sender, for a pair without a shared tier.</summary>
/// <param name="Scope"><c>url</c>, <c>prefix</c> or <c>tag</c>.</param>
/// <param name="Selector">The normalized cache key, the prefix or the tag.</param>
internal sealed record CachePurgeMessage(string Scope, string Selector);

/// <summary>The answer to a <see cref="CachePurgeMessage"/>: how many objects the receiver dropped.</summary>
internal sealed record CachePurgeReply(int Removed);

/// <summary>Asks the peer for its ACME certificate of one <c>tls.acme</c> section (<see cref="Tandem.Core.Runtime.SharedCertificate.Key"/>).</summary>
internal sealed record AcmeFetchMessage(string Key);

/// <summary>
/// An ACME certificate from one node to the other: the answer to an <see cref="AcmeFetchMessage"/> (<paramref name="Found"/>
/// false when the sender has none) or a new one the sender ordered. The private key is sealed (<see cref="PairSealer"/>)
/// with the key and the sender's name as associated data.
/// </summary>
internal sealed record AcmeCertificateMessage(string Key, bool Found, string? ChainPem, string? Nonce, string? SealedKey);

/// <summary>The answer to an offered <see cref="AcmeCertificateMessage"/>: whether the receiver now serves it.</summary>
internal sealed record AcmeOfferReply(bool Taken);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HeartbeatMessage))]
[JsonSerializable(typeof(ChangesMessage))]
[JsonSerializable(typeof(AckMessage))]
[JsonSerializable(typeof(SnapshotRequest))]
[JsonSerializable(typeof(SnapshotMessage))]
[JsonSerializable(typeof(ConfigOffer))]
[JsonSerializable(typeof(ConfigReply))]
[JsonSerializable(typeof(StickyMessage))]
[JsonSerializable(typeof(StickyReply))]
[JsonSerializable(typeof(RateLimitMessage))]
[JsonSerializable(typeof(RateLimitReply))]
[JsonSerializable(typeof(CachePurgeMessage))]
[JsonSerializable(typeof(CachePurgeReply))]
[JsonSerializable(typeof(AcmeFetchMessage))]
[JsonSerializable(typeof(AcmeCertificateMessage))]
[JsonSerializable(typeof(AcmeOfferReply))]
internal sealed partial class PairJsonContext : JsonSerializerContext;
