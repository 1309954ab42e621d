using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Tandem.Core.Config.Policies;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Admission.Policies;

namespace Tandem.Benchmarks;

/// <summary>
/// What a layer-4 listener's admit stage costs per new connection (or UDP flow): a CIDR allow list of two ranges, and a
/// rate of new connections per client address (a bucket found, a token spent), for an IPv4 client and a dual-stack
/// socket's IPv4-mapped IPv6 one. Compare with the connection itself: accepting and connecting cost tens of microseconds.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ConnectionAdmissionBenchmarks
{
    private readonly IPEndPoint _client = new(IPAddress.Parse("10.1.2.3"), 40000);
    private readonly IPEndPoint _mapped = new(IPAddress.Parse("10.1.2.3").MapToIPv6(), 40000);
    private ConnectionAdmission _cidr = null!;
    private ConnectionAdmission _rate = null!;

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        var throttle = new Tandem.Proxy.Diagnostics.LogThrottle(time, TimeSpan.FromSeconds(1));
        _cidr = new ConnectionAdmission("db", [new CompiledPolicy("lan", "",
            [new CidrCheck([IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("10.0.0.0/8")], [])], NoPolicyTelemetry.Instance)], throttle, NullLogger.Instance);
        _rate = new ConnectionAdmission("db", [new CompiledPolicy("rate", "", [new RateLimitCheck(new RateLimitKey(RateLimitKeyKind.Ip, null),
            new RateLimitTable(1_000_000_000, TimeSpan.FromSeconds(1), 1_000_000_000, 100_000, time))], NoPolicyTelemetry.Instance)],
            throttle, NullLogger.Instance);
        if (!_cidr.Admit(_client, out _, out _) || !_rate.Admit(_client, out _, out _))
        {
            throw new InvalidOperationException("the benchmark client was refused");
        }
    }

    [Benchmark(Baseline = true)]
    public bool Cidr() => _cidr.Admit(_client, out _, out _);

    [Benchmark]
    public bool CidrMappedIPv6() => _cidr.Admit(_mapped, out _, out _);

    [Benchmark]
    public bool RateOfNewConnections() => _rate.Admit(_client, out _, out _);
}
