using Microsoft.Extensions.Logging;
using Tandem.Core.Config;
using Tandem.Core.Runtime;

namespace Tandem.Pair.Vip;

/// <summary>
/// Keeps this node's VIPs with keepalived: writes its config into the runtime dir, supervises it, and tells it through the
/// track file and the heartbeat how Tandem is doing. A node starts in standby (effective priority 1) and asks for its
/// configured priority once it has settled (<see cref="SettleDelay"/>, a healthy server, and <see cref="SetReady"/> not
/// holding it back), so a returning node takes the VIP back once, without flapping; on stop it gives the VIP away
/// before the data plane drains.
/// Concurrency: StartAsync, HandOverAsync and DisposeAsync are called in that order by the node; the timer loop is the
/// only other writer of the runtime files.
/// </summary>
public sealed class VipService : IAsyncDisposable
{
    /// <summary>How long a started node stays in standby before it asks for its configured priority.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(3);

    private readonly Lock _tickGate = new();

    private readonly PairConfig _pair;
    private readonly Func<bool> _hasHealthyServer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeepalivedFiles _files;
    private readonly TrackFileWriter _track;
    private readonly TimeSpan _advert;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, string> _roleText = [];
    private KeepalivedSupervisor? _supervisor;
    private Task? _loop;
    private long _startedAt;
    private volatile bool _ready = true;
    private volatile bool _handingOver;
    private bool _writeFailed;

    /// <param name="pair">A pair config with <see cref="PairConfig.Vip"/> set.</param>
    /// <param name="hasHealthyServer">True while at least one pool has a usable server (or there are no pools).</param>
    /// <param name="time">The clock for the heartbeat, the settle delay and the timer.</param>
    /// <param name="loggerFactory">Logs role changes and keepalived's output.</param>
    public VipService(PairConfig pair, Func<bool> hasHealthyServer, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _pair = pair;
        _hasHealthyServer = hasHealthyServer;
        _time = time;
        _logger = loggerFactory.CreateLogger<VipService>();
        _files = new KeepalivedFiles(pair.RuntimeDir ?? KeepalivedFiles.DefaultDir(pair.Node));
        _track = new TrackFileWriter(_files, time);
        _advert = pair.Vip?.AdvertInterval ?? ConfigDefaults.VipAdvertInterval;
        State = new VrrpState(pair.Node, time);
    }

    /// <summary>The VRRP role keepalived reports for the first VIP.</summary>
    public VrrpState State { get; }

    /// <summary>The runtime dir holding keepalived.conf, pid files, track file and heartbeat.</summary>
    public string RuntimeDir => _files.Dir;

    /// <summary>
    /// Lets the pair service hold this node in standby until it has caught up with its peer (false), then release it
    /// (true, the default without a pair service).
    /// </summary>
    public void SetReady(bool ready) => _ready = ready;

    /// <exception cref="VipStartException">keepalived is missing or the runtime dir cannot be written.</exception>
    public async Task StartAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new VipStartException("pair.vip needs Linux: keepalived does not run on Windows");
        }
        var binary = KeepalivedSupervisor.FindBinary(_pair.Keepalived);
        try
        {
            Directory.CreateDirectory(_files.Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(_files.Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(_files.Config, KeepalivedConfig.Render(_pair, _files));
            File.WriteAllText(_files.AliveScript, KeepalivedConfig.AliveScript(_files, _advert, Environment.ProcessId));
            File.WriteAllText(_files.NotifyScript, KeepalivedConfig.NotifyScript(_files));
            foreach (var (vip, defaultId) in KeepalivedConfig.Instances(_pair))
            {
                File.Delete(_files.Role(KeepalivedFiles.InstanceName(vip.RouterId ?? defaultId)));
            }
            _track.WriteHealth(TrackValue.Standby);
            _track.Beat();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VipStartException($"pair.runtime-dir {_files.Dir}: {ex.Message}", ex);
        }
        _startedAt = _time.GetTimestamp();
        _supervisor = new KeepalivedSupervisor(binary, _files, _time, _logger);
        _supervisor.Died += () => Report(_pair.Vip!.Address.ToString(), PairRole.Fault, "keepalived exited", first: true);
        await _supervisor.StartAsync();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Gives the VIP away before the node drains: drops to standby so that the peer preempts (make before break), and
    /// waits until keepalived reports this node is no longer master, at most three advert intervals plus 500 ms.
    /// </summary>
    public async Task HandOverAsync()
    {
        if (_supervisor is null || _handingOver)
        {
            return;
        }
        _handingOver = true;
        VipLog.HandingOver(_logger);
        var started = _time.GetTimestamp();
        var bound = _advert * 3 + TimeSpan.FromMilliseconds(500);
        Tick(); // write the standby weight now, not at the next heartbeat
        // The reported role lags the address by a notify script and a poll: a node that took the VIP a moment ago may
        // not report Master yet, so the address on a local interface counts too.
        while ((State.Role == PairRole.Master || HoldsVipAddress()) && _time.GetElapsedTime(started) < bound)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time);
        }
        var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        if (State.Role == PairRole.Master)
        {
            VipLog.HandOverTimedOut(_logger, elapsed);
        }
        else
        {
            VipLog.HandedOver(_logger, elapsed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        if (_supervisor is not null)
        {
            await _supervisor.DisposeAsync();
        }
        _stop.Dispose();
    }

    /// <summary>True while one of this node's VIPs is configured on a local interface (keepalived adds it as master).</summary>
    private bool HoldsVipAddress()
    {
        try
        {
            foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var address in nic.GetIPProperties().UnicastAddresses)
                {
                    foreach (var (vip, _) in KeepalivedConfig.Instances(_pair))
                    {
                        if (address.Address.Equals(vip.Address.Address))
                        {
                            return true;
                        }
                    }
                }
            }
        }
        catch (System.Net.NetworkInformation.NetworkInformationException)
        {
            // Unknown: rely on the reported role.
        }
        return false;
    }

    /// <summary>What the track file should say now.</summary>
    internal static int DesiredTrackValue(bool handingOver, bool hasHealthyServer, bool settled) =>
        handingOver ? TrackValue.Standby
        : !hasHealthyServer ? TrackValue.Fault
        : settled ? TrackValue.Healthy
        : TrackValue.Standby;

    private async Task RunAsync(CancellationToken stop)
    {
        // Several heartbeats per stale time, so one late tick on a busy machine does not count as a hung Tandem.
        var period = TimeSpan.FromMilliseconds(Math.Max(50, _advert.TotalMilliseconds / 2));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            do
            {
                Tick();
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Tick()
    {
        // The timer and HandOverAsync both tick; one at a time.
        lock (_tickGate)
        {
            TickLocked();
        }
    }

    private void TickLocked()
    {
        try
        {
            _track.Beat();
            var healthy = _hasHealthyServer();
            var settled = _ready && _time.GetElapsedTime(_startedAt) >= SettleDelay;
            var value = DesiredTrackValue(_handingOver, healthy, settled);
            var previous = _track.Value;
            if (_track.WriteHealth(value))
            {
                var description = Describe(value);
                var reason = Reason(previous, healthy);
                VipLog.HealthChanged(_logger, description, reason);
            }
            var first = true;
            foreach (var (vip, defaultId) in KeepalivedConfig.Instances(_pair))
            {
                var instance = KeepalivedFiles.InstanceName(vip.RouterId ?? defaultId);
                var path = _files.Role(instance);
                var text = File.Exists(path) ? File.ReadAllText(path) : null;
                if (text is not null && (!_roleText.TryGetValue(instance, out var last) || last != text))
                {
                    _roleText[instance] = text;
                    if (VrrpRoleParser.Parse(text) is { } role)
                    {
                        var detail = "keepalived reports " + text.Trim() + " for " + instance;
                        Report(vip.Address.ToString(), role, detail, first);
                    }
                }
                first = false;
            }
            _writeFailed = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_writeFailed)
            {
                VipLog.WriteFailed(_logger, _files.Dir, ex.Message);
                _writeFailed = true;
            }
        }
    }

    private void Report(string address, PairRole role, string detail, bool first)
    {
        VipLog.RoleChanged(_logger, detail, address, role.ToString());
        if (first)
        {
            State.Report(role, detail);
        }
    }

    private static string Describe(int value) => value switch
    {
        TrackValue.Healthy => "healthy (configured priority)",
        TrackValue.Standby => "standby (priority 1)",
        _ => "fault (gives the VIP away)",
    };

    private string Reason(int? previous, bool healthy) =>
        _handingOver ? "stopping"
        : !healthy ? "no healthy server in any pool"
        : previous is null ? "starting"
        : "settled";
}
