namespace Tandem.Core.Config;

/// <summary>Every default of the config file in one place, so the docs, the loader and the runtime agree.</summary>
public static class ConfigDefaults
{
    public static readonly HostPort AdminBind = new("127.0.0.1", 9090);
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How often server names are resolved again when no TTL is known (the system resolver gives none).</summary>
    public static readonly TimeSpan ResolveInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ClientKeepAliveTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ServerKeepAliveTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan AgentInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan EjectionTime = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan QueueTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan PairHeartbeat = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan PairPeerTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PairRateLimitSync = TimeSpan.FromMilliseconds(100);
    public const int PairRateLimitKeys = 5000;
    public static readonly TimeSpan VipAdvertInterval = TimeSpan.FromMilliseconds(200);
    public const string ForecastDataDir = "tandem-data";

    /// <summary>The node's data directory (ACME account keys and certificates) when <c>data-dir</c> is absent.</summary>
    public const string DataDir = "tandem-data";
    public const int MinuteRetentionDays = 14;
    public const int HourRetentionDays = 730;
    public static readonly TimeSpan RetrainInterval = TimeSpan.FromHours(6);
    public static readonly TimeSpan ScaleAheadLead = TimeSpan.FromMinutes(15);
    public const double ScaleAheadThreshold = 0.8;
    public static readonly TimeSpan ScaleActionTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan AlertEvaluateEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan AlertWindow = TimeSpan.FromMinutes(1);
    public const int VipRouterId = 51;
    public const int SecondVipRouterId = 52;
    public const int ConsecutiveFailures = 5;
    public const int MaxEjectionPercent = 50;
    public const int Retries = 2;
    public const int RetryBodyLimit = 64 * 1024;
    public const int QueueSize = 1000;
    public const int AccessLogBuffer = 16384;
    public const long AccessLogMaxSize = 100L << 20;
    public const int AccessLogMaxFiles = 5;

    /// <summary>Retries may add at most this share of a pool's requests (a retry budget, as Envoy's and Finagle's).</summary>
    public const double RetryBudget = 0.2;
    public const int HealthRise = 2;
    public const int HealthFall = 3;
    public const int ListenerMaxConnections = 5000;

    /// <summary>The largest request body a listener accepts unless <c>max-body</c> says otherwise (413 beyond it).</summary>
    public const long MaxBody = 1L << 30;

    /// <summary>The largest config file Tandem reads (a bigger one is refused with a message, not read).</summary>
    public const long MaxConfigFileSize = 16L << 20;
    public const int Weight = 1;
    public const int MinWeight = 1;
    public const int MaxWeight = 256;

    /// <summary>The cookie of <c>sticky: {mode: cookie}</c>.</summary>
    public const string StickyCookie = "tandem_server";

    /// <summary>How long a sticky table remembers an idle client.</summary>
    public static readonly TimeSpan StickyTtl = TimeSpan.FromMinutes(30);

    /// <summary>How many clients a sticky table remembers.</summary>
    public const int StickySize = 100_000;
}
