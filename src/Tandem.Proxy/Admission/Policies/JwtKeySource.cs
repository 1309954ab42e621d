using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Tandem.Core.Config.Policies;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// A policy's JSON Web Key Set, from a file (re-read when it changes) or a URL (fetched on first use and cached). A token
/// signed with a key it does not know may ask for a refresh, granted at most once per refresh interval, so a flood of
/// made-up <c>kid</c>s costs the key server one fetch per interval. Concurrency: any thread; one refresh at a time.
/// </summary>
internal sealed class JwtKeySource
{
    private const long MaxKeySetBytes = KeySetFile.MaxSize;

    private readonly string _policy;
    private readonly Uri? _url;
    private readonly string _source = "";
    private readonly WatchedFile<IList<SecurityKey>>? _file;
    private readonly HttpClient? _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _refreshTicks;
    private volatile IList<SecurityKey>? _fetched;
    private long _nextRefresh = long.MinValue;
    private Task<bool>? _refreshing;
    private int _refreshes;
    private long _fetchedAt;
    private readonly long _maxAgeTicks;

    /// <summary>How long a fetched key set is used before it is fetched again without being asked.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    public JwtKeySource(string policy, JwtPolicyConfig config, HttpClient http, TimeProvider time, ILogger logger)
    {
        _policy = policy;
        _time = time;
        _logger = logger;
        _refreshTicks = (long)((config.RefreshInterval ?? TimeSpan.FromSeconds(30)).TotalSeconds * time.TimestampFrequency);
        _maxAgeTicks = (long)(MaxAge.TotalSeconds * time.TimestampFrequency);
        if (config.JwksFile is { } file)
        {
            _file = new WatchedFile<IList<SecurityKey>>(file, static path => Parse(KeySetFile.Read(path)), time, logger);
        }
        else
        {
            _url = config.JwksUrl;
            _source = _url!.ToString();
            _http = http;
        }
    }

    /// <summary>Key set fetches and re-reads asked for by unknown keys (and the first fetch of a URL).</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>
    /// The keys in force; null while a URL's set has never been fetched. A URL's set older than <see cref="MaxAge"/> is
    /// fetched again in the background (so a key the issuer withdrew stops working), the old set serving meanwhile.
    /// </summary>
    public IList<SecurityKey>? Current
    {
        get
        {
            if (_file is not null)
            {
                return _file.Current;
            }
            if (_fetched is not null && _time.GetTimestamp() - Interlocked.Read(ref _fetchedAt) > _maxAgeTicks)
            {
                _ = TryRefreshAsync();
            }
            return _fetched;
        }
    }

    /// <summary>Fetches (or re-reads) the set if the last refresh is older than the interval; true when it ran and the keys may have changed.</summary>
    public Task<bool> TryRefreshAsync()
    {
        var now = _time.GetTimestamp();
        var next = Interlocked.Read(ref _nextRefresh);
        if (now < next)
        {
            return Volatile.Read(ref _refreshing) ?? Task.FromResult(false);
        }
        if (Interlocked.CompareExchange(ref _nextRefresh, now + _refreshTicks, next) != next)
        {
            return Volatile.Read(ref _refreshing) ?? Task.FromResult(false);
        }
        Interlocked.Increment(ref _refreshes);
        var task = RefreshAsync();
        Volatile.Write(ref _refreshing, task);
        return task;
    }

    private async Task<bool> RefreshAsync()
    {
        if (_file is not null)
        {
            _file.Check();
            return true;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            using var response = await _http!.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > MaxKeySetBytes)
            {
                throw new InvalidDataException($"the key set is larger than {MaxKeySetBytes} bytes");
            }
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var keys = Parse(text);
            _fetched = keys;
            Interlocked.Exchange(ref _fetchedAt, _time.GetTimestamp());
            PolicyLog.KeysRefreshed(_logger, _policy, _source, keys.Count);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidDataException or ArgumentException)
        {
            PolicyLog.KeysUnavailable(_logger, _policy, _source, ex.Message);
            return false;
        }
    }

    private static IList<SecurityKey> Parse(string json)
    {
        try
        {
            return new JsonWebKeySet(json).GetSigningKeys();
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException("not a JSON Web Key Set: " + ex.Message, ex);
        }
    }
}
