using System.Net;
using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Config.Policies;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Diagnostics;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// Compiles a config's <c>policies</c> once per apply and hands each listener (or route) the admit stage for the policy
/// names it lists: <see cref="Compile"/> is the one call a route needs. A policy whose settings did not change since the
/// previous config is kept as it was (its rate-limit buckets, token cache and key set). Immutable once built.
/// </summary>
internal sealed class PolicyCompiler
{
    /// <summary>The name the access log and metrics give <c>default-policy: deny</c>.</summary>
    public const string DefaultPolicyName = "default";

    /// <summary>Keys a rate limiter remembers when its <c>size</c> is not given.</summary>
    public const int DefaultRateLimitSize = 100_000;

    private readonly Dictionary<string, CompiledPolicy> _policies = new(StringComparer.Ordinal);
    private readonly TandemConfig _config;
    private readonly DefaultPolicy _default;
    private readonly IPNetwork[] _trusted;
    private readonly PolicyServices _services;
    private readonly LogThrottle _throttle;
    private readonly CompiledPolicy _deny;

    public PolicyCompiler(TandemConfig config, PolicyServices services, PolicyCompiler? previous = null)
    {
        _services = services;
        _config = config;
        _default = config.DefaultPolicy;
        _trusted = config.TrustedProxies is { } trusted ? [.. trusted] : [];
        _throttle = previous?._throttle ?? new LogThrottle(services.Time, TimeSpan.FromSeconds(1));
        _deny = previous?._deny ?? new CompiledPolicy(DefaultPolicyName, "", [new DenyCheck("default-deny")], services.Telemetry);
        foreach (var policy in config.Policies ?? [])
        {
            _policies[policy.Name] = previous is not null && previous._policies.TryGetValue(policy.Name, out var kept) && kept.Signature == policy.Signature
                ? kept
                : Build(policy);
        }
    }

    public IReadOnlyCollection<CompiledPolicy> Policies => _policies.Values;

    public DefaultPolicy Default => _default;

    /// <summary>The config these policies were compiled from.</summary>
    public TandemConfig Config => _config;

    /// <summary>The compiled policy named <paramref name="name"/> (<see cref="DefaultPolicyName"/> for the default refusal); null when there is none.</summary>
    public CompiledPolicy? Find(string name) =>
        _policies.TryGetValue(name, out var policy) ? policy : name == DefaultPolicyName ? _deny : null;

    /// <summary>The admit stage of a listener's routes: its <c>policy</c> names.</summary>
    public AdmissionStage? ForListener(ListenerConfig listener) => Compile(listener.Policy, listener.TrustedProxies);

    /// <summary>
    /// The admit stage for <paramref name="names"/> (all must allow), reading the client address through
    /// <paramref name="trustedProxies"/> (the top-level list when null); null when there is nothing to check, a
    /// 403-everything stage when no name is given and the default policy is deny. Names were checked by the config.
    /// </summary>
    public AdmissionStage? Compile(IReadOnlyList<string>? names, IReadOnlyList<IPNetwork>? trustedProxies = null)
    {
        var resolver = trustedProxies is { Count: > 0 } own ? new ClientAddressResolver([.. own])
            : _trusted.Length > 0 ? new ClientAddressResolver(_trusted) : ClientAddressResolver.Direct;
        if (names is null || names.Count == 0)
        {
            return _default == DefaultPolicy.Deny ? Stage([_deny], resolver) : null;
        }
        var policies = new List<CompiledPolicy>(names.Count);
        foreach (var name in names)
        {
            var policy = _policies[name];
            if (!policies.Contains(policy))
            {
                policies.Add(policy);
            }
        }
        return Stage([.. policies], resolver);
    }

    /// <summary>
    /// The admit stage of a tcp, udp or tls-passthrough listener: its <c>policy</c> names (checked by the config to need
    /// only the client address), or the default policy's refusal when it names none; null when there is nothing to check.
    /// </summary>
    public ConnectionAdmission? ForStream(ListenerConfig listener)
    {
        var names = listener.Policy;
        if (names is null || names.Count == 0)
        {
            return _default == DefaultPolicy.Deny ? new ConnectionAdmission(listener.Name, [_deny], _throttle, _services.Logger) : null;
        }
        var policies = new List<CompiledPolicy>(names.Count);
        foreach (var name in names)
        {
            var policy = _policies[name];
            if (!policies.Contains(policy))
            {
                policies.Add(policy);
            }
        }
        return new ConnectionAdmission(listener.Name, [.. policies], _throttle, _services.Logger);
    }

    private PolicyAdmission Stage(CompiledPolicy[] policies, ClientAddressResolver resolver) =>
        new(policies, resolver, _throttle, _services.Logger);

    private CompiledPolicy Build(PolicyConfig policy)
    {
        var checks = new List<PolicyCheck>();
        try
        {
            if (policy.Allow is not null || policy.Deny is not null)
            {
                checks.Add(new CidrCheck([.. policy.Allow ?? []], [.. policy.Deny ?? []]));
            }
            if (policy.ClientCertificate is { } certificate)
            {
                checks.Add(new ClientCertificateCheck(certificate));
            }
            if (policy.Jwt is { } jwt)
            {
                checks.Add(new JwtCheck(jwt, new JwtKeySource(policy.Name, jwt, _services.Http, _services.Time, _services.Logger), _services.Time));
            }
            if (policy.BasicAuth is { } basic)
            {
                var users = new WatchedFile<BasicAuthCheck.Users>(basic.File, BasicAuthCheck.Read, _services.Time, _services.Logger);
                checks.Add(new BasicAuthCheck(users, basic.Realm, _services.Time));
            }
            if (policy.ForwardAuth is { } forward)
            {
                checks.Add(new ForwardAuthCheck(policy.Name, forward, _services.Http, _services.Time, _services.Logger));
            }
            if (policy.RateLimit is { } rate)
            {
                var table = new RateLimitTable(rate.Rate, rate.Per, rate.Burst ?? rate.Rate, rate.Size ?? DefaultRateLimitSize, _services.Time);
                checks.Add(new RateLimitCheck(rate.Key, table));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // The file changed between the config check and now: refuse everything rather than open the door.
            PolicyLog.SecretUnreadable(_services.Logger, policy.Name, ex.Message);
            checks = [new DenyCheck("policy-unavailable")];
        }
        return new CompiledPolicy(policy.Name, policy.Signature, [.. checks], _services.Telemetry);
    }
}

/// <summary>What compiled policies share: the clock, the decision counters, one HTTP client (key sets, forward-auth) and the log.</summary>
internal sealed record PolicyServices(TimeProvider Time, IPolicyTelemetry Telemetry, HttpClient Http, ILogger Logger);
