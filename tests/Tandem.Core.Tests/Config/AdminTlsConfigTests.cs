using Tandem.Core.Config;
using Tandem.Testing;

namespace Tandem.Core.Tests.Config;

/// <summary><c>admin.tls</c> (the keys of <c>listeners[].tls</c> but <c>acme</c>) and the warning for a plain admin listener off loopback.</summary>
public sealed class AdminTlsConfigTests
{
    private static string Yaml(string admin) => $"""
        listeners:
          - name: web
            bind: 127.0.0.1:8080
            pool: app
        admin:
        {admin}
        pools:
          - name: app
            servers:
              - address: 127.0.0.1:9001
        """;

    [Fact]
    public void Parse_AdminTls_BoundLikeAListenerTls()
    {
        using var certs = TestCertificates.Create();
        var site = certs.WritePem(certs.Server("admin.test"), "admin");
        var ca = certs.WriteCaPem();

        var result = ConfigLoader.Parse(Yaml($$"""
              bind: 0.0.0.0:9443
              tls:
                certificates:
                  - { cert: {{site.Cert}}, key: {{site.Key}} }
                min-version: "1.3"
                client-certificates: { mode: require, ca: {{ca}} }
            """), LoadYaml.File);

        Assert.Empty(result.Problems);
        Assert.Empty(result.Warnings);
        var tls = result.Config!.Admin!.Tls!;
        Assert.Equal([new CertificateFiles(site.Cert, site.Key)], tls.Certificates);
        Assert.Equal(TlsVersion.Tls13, tls.MinVersion);
        Assert.Equal(new ClientCertificatesConfig { Mode = ClientCertificateMode.Require, Ca = ca }, tls.ClientCertificates);
    }

    [Fact]
    public void Parse_AdminTlsAcme_RefusedNamingTheKey()
    {
        var problems = LoadYaml.Problems(Yaml("""
              bind: 127.0.0.1:9443
              tls:
                acme: { directory: https://acme.test/dir, domains: [admin.test] }
            """));

        Assert.Equal(["test.yaml:8:11: admin.tls.acme: ACME is not available on the admin listener; list certificate files under 'certificates'"], problems);
    }

    [Fact]
    public void Parse_AdminTlsBadFileAndNoCertificates_EachNamed()
    {
        using var certs = TestCertificates.Create();
        var missing = Path.Combine(certs.Directory, "missing.pem");
        var key = certs.WritePem(certs.Server("admin.test"), "admin").Key;

        Assert.Equal([$"test.yaml:7:29: admin.tls.certificates[0].cert: cannot read certificate file {missing}: no such file"],
            LoadYaml.Problems(Yaml($$"""
                  tls:
                    certificates: [ { cert: {{missing}}, key: {{key}} } ]
                """)));
        Assert.Equal(["test.yaml:7:5: admin.tls: needs 'certificates'"], LoadYaml.Problems(Yaml("""
              tls:
                min-version: "1.2"
            """)));
    }

    [Theory]
    [InlineData("0.0.0.0:9090")]
    [InlineData("10.1.2.3:9090")]
    [InlineData("[::]:9090")]
    public void Parse_NonLoopbackAdminWithoutTls_WarnsNamingKeyAndLine(string bind)
    {
        // Quoted: [::] would start a YAML list.
        var result = ConfigLoader.Parse(Yaml($"  bind: \"{bind}\""), LoadYaml.File);

        Assert.True(result.IsValid);
        Assert.Equal([$"test.yaml:6:9: admin.bind: {bind} is not a loopback address and admin has no tls: the dashboard, the API and the admin token "
            + "cross the network in plain text; add admin.tls (see README, HTTPS)"], result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Parse_LoopbackAdminWithoutTls_NoWarning()
    {
        var result = ConfigLoader.Parse(Yaml("  bind: 127.0.0.1:9090"), LoadYaml.File);

        Assert.True(result.IsValid);
        Assert.Empty(result.Warnings);
    }
}
