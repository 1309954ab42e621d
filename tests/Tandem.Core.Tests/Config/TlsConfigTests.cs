using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary>The listener key <c>tls</c> and the pool key <c>tls</c>.</summary>
public sealed class TlsConfigTests
{
    [Fact]
    public void Parse_ListenerAndPoolTls_Bound()
    {
        using var certs = TestCertificates.Create();
        var site = certs.WritePem(certs.Server("a.test"), "site");
        var ca = certs.WriteCaPem();
        var result = ConfigLoader.Parse($$"""
            listeners:
              - name: web
                bind: 127.0.0.1:8443
                pool: app
                tls:
                  certificates:
                    - { cert: {{site.Cert}}, key: {{site.Key}} }
                  min-version: "1.3"
                  client-certificates: { mode: optional, ca: {{ca}} }
            pools:
              - name: app
                tls: { verify: true, ca: {{ca}}, sni: backend.test, client-cert: { cert: {{site.Cert}}, key: {{site.Key}} } }
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Empty(result.Problems);
        var tls = result.Config!.Listeners[0].Tls!;
        Assert.Equal([new CertificateFiles(site.Cert, site.Key)], tls.Certificates);
        Assert.Equal(TlsVersion.Tls13, tls.MinVersion);
        Assert.Equal(new ClientCertificatesConfig { Mode = ClientCertificateMode.Optional, Ca = ca }, tls.ClientCertificates);
        Assert.Equal(new UpstreamTlsConfig { Ca = ca, Sni = "backend.test", ClientCert = new CertificateFiles(site.Cert, site.Key) }, result.Config.Pools[0].Tls);
    }

    [Fact]
    public void Parse_BadTlsValuesAndFiles_EachNamedWithLineAndPath()
    {
        using var certs = TestCertificates.Create();
        var site = certs.WritePem(certs.Server("a.test"), "site");
        var other = certs.WritePem(certs.Server("b.test"), "other");
        var missing = Path.Combine(certs.Directory, "missing.pem");
        var result = ConfigLoader.Parse($$"""
            listeners:
              - name: web
                bind: 127.0.0.1:8443
                pool: app
                tls:
                  certificates:
                    - { cert: {{missing}}, key: {{site.Key}} }
                    - { cert: {{site.Cert}}, key: {{other.Key}} }
                  min-version: "1.1"
                  client-certificates: { mode: maybe, ca: {{site.Key}} }
              - name: plain
                bind: 127.0.0.1:8444
                pool: app
                tls: {}
            pools:
              - name: app
                tls: { verify: yes, sni: "bad name" }
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains($"t.yaml:7:19: listeners[0].tls.certificates[0].cert: cannot read certificate file {missing}: no such file", problems);
        Assert.Contains(problems, p => p.StartsWith($"t.yaml:8:19: listeners[0].tls.certificates[1].cert: key file {other.Key} does not hold the private key of {site.Cert}", StringComparison.Ordinal));
        Assert.Contains("t.yaml:9:20: listeners[0].tls.min-version: unknown TLS version '1.1'; expected 1.2 or 1.3 (older versions are never offered)", problems);
        Assert.Contains("t.yaml:10:36: listeners[0].tls.client-certificates.mode: unknown mode 'maybe'; expected optional or require", problems);
        Assert.Contains($"t.yaml:10:47: listeners[0].tls.client-certificates.ca: CA file {site.Key} holds no PEM certificate", problems);
        Assert.Contains("t.yaml:14:10: listeners[1].tls: needs 'certificates' or 'acme'", problems);
        Assert.Contains("t.yaml:17:20: pools[0].tls.verify: expected true or false, got 'yes'", problems);
        Assert.Contains("t.yaml:17:30: pools[0].tls.sni: expected a DNS name, got 'bad name'", problems);
        Assert.Equal(8, problems.Count);
    }

    [Fact]
    public void Parse_Acme_BoundWithDefaults()
    {
        var result = ConfigLoader.Parse("""
            listeners:
              - name: web
                bind: 127.0.0.1:8443
                pool: app
                tls:
                  acme: { directory: "https://acme.test/dir", email: ops@a.test, domains: [a.test, www.a.test] }
            data-dir: /var/lib/tandem
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Empty(result.Problems);
        var acme = result.Config!.Listeners[0].Tls!.Acme!;
        Assert.Equal((new Uri("https://acme.test/dir"), "ops@a.test", AcmeChallenge.Http01, (string?)null), (acme.Directory, acme.Email, acme.Challenge, acme.Ca));
        Assert.Equal(["a.test", "www.a.test"], acme.Domains);
        Assert.Empty(result.Config.Listeners[0].Tls!.Certificates);
        Assert.Equal("/var/lib/tandem", result.Config.DataDir);
    }

    [Fact]
    public void Parse_AcmeBadValues_EachNamedWithKeyAndLine()
    {
        var result = ConfigLoader.Parse("""
            listeners:
              - name: web
                bind: 127.0.0.1:8443
                pool: app
                tls:
                  acme:
                    directory: "ftp://acme.test/dir"
                    email: nobody
                    domains: [a.test, "bad name"]
                    challenge: dns-01
                    ca: /nonexistent/ca.pem
            data-dir: ""
            pools:
              - name: app
                servers:
                  - address: 127.0.0.1:9001
            """, "t.yaml");

        Assert.Equal(
        [
            "t.yaml:7:20: listeners[0].tls.acme.directory: expected an https:// URL, got 'ftp://acme.test/dir'",
            "t.yaml:8:16: listeners[0].tls.acme.email: expected an email address, got 'nobody'",
            "t.yaml:9:27: listeners[0].tls.acme.domains[1]: expected a DNS name, got 'bad name'",
            "t.yaml:10:20: listeners[0].tls.acme.challenge: unknown challenge 'dns-01'; expected http-01 or tls-alpn-01",
            "t.yaml:11:13: listeners[0].tls.acme.ca: cannot read CA file /nonexistent/ca.pem: no such file",
            "t.yaml:12:11: data-dir: must not be empty",
        ], result.Problems.Select(p => p.ToString()));
    }
}
