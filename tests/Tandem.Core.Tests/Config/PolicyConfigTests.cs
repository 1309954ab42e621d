using Tandem.Core.Config;
using Tandem.Core.Config.Policies;

namespace Tandem.Core.Tests.Config;

/// <summary>policies, default-policy, trusted-proxies and listener policy references: values bound, mistakes named at file:line:col.</summary>
public sealed class PolicyConfigTests
{
    private const string Head = """
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
            policy: [lan, api]
            trusted-proxies: [10.0.0.0/8]
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001

        """;

    [Fact]
    public void Parse_FullPolicies_Bound()
    {
        var result = ConfigLoader.Parse(Head + """
            default-policy: deny
            policies:
              - name: lan
                allow: [10.0.0.0/8, "2001:db8::/32", 192.168.1.7]
                deny: [10.9.0.0/16]
              - name: api
                rate-limit: { key: "jwt:sub", rate: 100/s, burst: 200 }
            """, "t.yaml");

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var config = result.Config!;
        Assert.Equal(DefaultPolicy.Deny, config.DefaultPolicy);
        Assert.Equal(["lan", "api"], config.Listeners[0].Policy!);
        Assert.Equal(3, config.Policies![0].Allow!.Count);
        var rate = config.Policies[1].RateLimit!;
        Assert.Equal((RateLimitKeyKind.JwtClaim, "sub", 100, TimeSpan.FromSeconds(1), 200),
            (rate.Key.Kind, rate.Key.Name, rate.Rate, rate.Per, rate.Burst));
    }

    [Fact]
    public void Parse_UnknownPolicyName_NamedAtItsPosition()
    {
        var result = ConfigLoader.Parse(Head + """
            policies:
              - name: lan
                allow: [10.0.0.0/8]
            """, "t.yaml");

        Assert.Equal(["t.yaml:5:19: listeners[0].policy[1]: unknown policy 'api'; defined policies: lan"], result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_BadValues_EveryProblemReported()
    {
        var result = ConfigLoader.Parse(Head + """
            policies:
              - name: lan
                allow: [10.0.0.0/33]
              - name: api
                rate-limit: { key: cookie, rate: 100/day }
                jwt: { jwks-file: /nonexistent/jwks.json, algorithms: [none, HS256] }
            """, "t.yaml");

        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("t.yaml:13:13: policies[0].allow[0]: bad CIDR '10.0.0.0/33'; expected an address with a prefix length such as 10.0.0.0/8 or 2001:db8::/32", problems);
        Assert.Contains(problems, p => p.StartsWith("t.yaml:15:24: policies[1].rate-limit.key: expected ip, header:NAME, jwt:CLAIM or cert:subject", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("t.yaml:15:38: policies[1].rate-limit.rate: expected COUNT/UNIT", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("policies[1].jwt.algorithms: unknown or unsafe algorithm 'none'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("policies[1].jwt.algorithms: unknown or unsafe algorithm 'HS256'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.EndsWith("policies[1].jwt.jwks-file: cannot read JWKS file /nonexistent/jwks.json: no such file", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_HtpasswdWithoutBcrypt_Refused()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
            var result = ConfigLoader.Parse(Head.Replace("[lan, api]", "lan", StringComparison.Ordinal) + $"""
                policies:
                  - name: lan
                    basic-auth: {"{"} htpasswd: {file} {"}"}
                """, "t.yaml");

            Assert.Contains(result.Problems, p => p.Path == "policies[0].basic-auth.htpasswd" && p.Message.Contains("line 1: expected user:bcrypt-hash", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Parse_DuplicatePolicyName_Refused()
    {
        var result = ConfigLoader.Parse(Head.Replace("[lan, api]", "lan", StringComparison.Ordinal) + """
            policies:
              - name: lan
                allow: [10.0.0.0/8]
              - name: lan
                allow: [10.0.0.0/8]
            """, "t.yaml");

        Assert.Equal(["t.yaml:14:11: policies[1].name: duplicate policy name 'lan' (first defined on line 12)"], result.Problems.Select(p => p.ToString()));
    }
}
