using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tandem.Core.Config.Policies;
using Tandem.Core.Telemetry;
using Tandem.Proxy.Admission.Policies;
using Tandem.Proxy.Pipeline;

namespace Tandem.Benchmarks;

/// <summary>
/// What the admit stage costs per request for one policy of each kind, without I/O: a CIDR allow list, a JWT (RS256,
/// the validation cached per token as a returning client sees it) and a per-client rate limit (a bucket found, a token spent).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class AdmissionBenchmarks : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);
    private string _directory = "";
    private RequestState _state = null!;
    private PolicyAdmission _cidr = null!;
    private PolicyAdmission _jwt = null!;
    private PolicyAdmission _rate = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("tandem-bench-").FullName;
        var jwks = Path.Combine(_directory, "jwks.json");
        var p = _rsa.ExportParameters(false);
        File.WriteAllText(jwks, $$"""{"keys":[{"kty":"RSA","kid":"k1","use":"sig","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}]}""");
        var time = TimeProvider.System;
        var services = new PolicyServices(time, NoPolicyTelemetry.Instance, new HttpClient(), NullLogger.Instance);
        var throttle = new Tandem.Proxy.Diagnostics.LogThrottle(time, TimeSpan.FromSeconds(1));
        var resolver = ClientAddressResolver.Direct;
        _cidr = new PolicyAdmission([new CompiledPolicy("lan", "", [new CidrCheck([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("127.0.0.0/8")], [])],
            NoPolicyTelemetry.Instance)], resolver, throttle, NullLogger.Instance);
        var jwtConfig = new JwtPolicyConfig { Audience = "tandem", JwksFile = jwks, Algorithms = ["RS256"] };
        _jwt = new PolicyAdmission([new CompiledPolicy("api", "", [new JwtCheck(jwtConfig, new JwtKeySource("api", jwtConfig, services.Http, time,
            NullLogger.Instance), time)], NoPolicyTelemetry.Instance)], resolver, throttle, NullLogger.Instance);
        _rate = new PolicyAdmission([new CompiledPolicy("rate", "", [new RateLimitCheck(new RateLimitKey(RateLimitKeyKind.Ip, null),
            new RateLimitTable(1_000_000_000, TimeSpan.FromSeconds(1), 1_000_000_000, 100_000, time))], NoPolicyTelemetry.Instance)],
            resolver, throttle, NullLogger.Instance);

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = "tandem",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Get;
        http.Request.Path = "/api/items/42";
        http.Request.Headers.Authorization = "Bearer " + token;
        http.Connection.RemoteIpAddress = IPAddress.Loopback;
        _state = new RequestState(http);
        if (!_jwt.AdmitAsync(_state).AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("the benchmark token was refused");
        }
    }

    [Benchmark(Baseline = true)]
    public bool Cidr() => Admit(_cidr);

    [Benchmark]
    public bool JwtCached() => Admit(_jwt);

    [Benchmark]
    public bool RateLimit() => Admit(_rate);

    private bool Admit(PolicyAdmission admission)
    {
        var pending = admission.AdmitAsync(_state);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _rsa.Dispose();
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}
