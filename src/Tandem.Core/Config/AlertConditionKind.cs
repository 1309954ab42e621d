namespace Tandem.Core.Config;

/// <summary>What an alert rule watches.</summary>
public enum AlertConditionKind
{
    /// <summary><c>server-down</c>: a server's health check (or passive ejection) has it down; one alert per server.</summary>
    ServerDown,
    /// <summary><c>pool-down</c>: a pool without a usable server; one alert per pool.</summary>
    PoolDown,
    /// <summary><c>peer-lost</c>: the pair peer stopped answering.</summary>
    PeerLost,
    /// <summary><c>became-master</c>: this node took the VIP over and has no healthy backup behind it.</summary>
    BecameMaster,
    /// <summary><c>primary-down</c>: the pair's master (the peer) was lost; see the README for the exact definition.</summary>
    PrimaryDown,
    /// <summary><c>predicted-overload</c>: the forecasting planner predicts more requests than the pool can take.</summary>
    PredictedOverload,
    /// <summary><c>node-cpu &gt; N</c>: the machine's CPU percent (/proc/stat).</summary>
    NodeCpu,
    /// <summary><c>process-cpu &gt; N</c>: this process's CPU percent of all cores.</summary>
    ProcessCpu,
    /// <summary><c>node-memory &gt; SIZE</c>: this process's resident set.</summary>
    NodeMemory,
    /// <summary><c>server-cpu &gt; N</c>: the load percent a server's agent reports (dynamic-weighted pools).</summary>
    ServerCpu,
    /// <summary><c>p50 &gt; DURATION</c>.</summary>
    P50,
    /// <summary><c>p99 &gt; DURATION</c>.</summary>
    P99,
    /// <summary><c>error-rate &gt; N%</c>: the share of 5xx answers.</summary>
    ErrorRate,
    /// <summary><c>rate &gt; N</c>: requests per second.</summary>
    Rate,
    /// <summary><c>queue &gt; N</c>: requests waiting in the pool's queue.</summary>
    Queue,
    /// <summary><c>certificate-expiry &lt; DURATION</c>: time until a served TLS certificate expires; one alert per certificate name.</summary>
    CertificateExpiry,
}
