using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Testing;

/// <summary>
/// Certificates made at test time (no key is ever committed): a CA that issues server and client certificates, and
/// PEM files of them in a directory the test owns.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private TestCertificates(X509Certificate2 ca, string directory)
    {
        Ca = ca;
        Directory = directory;
    }

    /// <summary>The CA certificate, with its key.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>A temporary directory, removed on dispose.</summary>
    public string Directory { get; }

    public static TestCertificates Create(string caName = "Tandem Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + caName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return new TestCertificates(ca, System.IO.Directory.CreateTempSubdirectory("tandem-certs-").FullName);
    }

    /// <summary>A server certificate for <paramref name="names"/> (DNS names or IP literals), signed by <see cref="Ca"/>.</summary>
    public X509Certificate2 Server(params string[] names) => Issue(names[0], names, ServerAuth, DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>A client certificate with subject <c>CN=<paramref name="commonName"/></c> and a DNS SAN of the same name.</summary>
    public X509Certificate2 Client(string commonName) => Issue(commonName, [commonName], ClientAuth, DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>
    /// A server certificate for <paramref name="name"/> whose AIA extension names <paramref name="ocsp"/> as its OCSP responder
    /// and <paramref name="caIssuers"/> as where its issuer can be downloaded (either may be null).
    /// </summary>
    public X509Certificate2 ServerWithAia(string name, string? ocsp, string? caIssuers) =>
        Issue(name, [name], ServerAuth, DateTimeOffset.UtcNow.AddDays(30),
            new X509AuthorityInformationAccessExtension(ocsp is null ? null : [ocsp], caIssuers is null ? null : [caIssuers]));

    public X509Certificate2 Issue(string commonName, string[] names, Oid usage, DateTimeOffset notAfter, params X509Extension[] extra)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (System.Net.IPAddress.TryParse(name, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(name);
            }
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        foreach (var extension in extra)
        {
            request.CertificateExtensions.Add(extension);
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        // Positive and minimally encoded, as an OCSP responder's index writes serials.
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes the certificate (then <see cref="Ca"/> as its chain when <paramref name="withChain"/>) and its key as PEM; the key file mode 600.</summary>
    public (string Cert, string Key) WritePem(X509Certificate2 certificate, string name, bool withChain = true)
    {
        var cert = Path.Combine(Directory, name + ".pem");
        var key = Path.Combine(Directory, name + ".key");
        var text = certificate.ExportCertificatePem() + "\n" + (withChain ? Ca.ExportCertificatePem() + "\n" : "");
        File.WriteAllText(cert, text);
        WriteKey(certificate, key);
        return (cert, key);
    }

    /// <summary>Writes <see cref="Ca"/> as a PEM bundle.</summary>
    public string WriteCaPem(string name = "ca")
    {
        var path = Path.Combine(Directory, name + ".pem");
        File.WriteAllText(path, Ca.ExportCertificatePem() + "\n");
        return path;
    }

    /// <summary>Writes <see cref="Ca"/>'s private key as PEM (for a test OCSP responder that signs as the CA).</summary>
    public string WriteCaKey(string name = "ca")
    {
        var path = Path.Combine(Directory, name + ".key");
        WriteKey(Ca, path);
        return path;
    }

    public static void WriteKey(X509Certificate2 certificate, string path)
    {
        using var key = certificate.GetECDsaPrivateKey();
        File.WriteAllText(path, key!.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public void Dispose()
    {
        Ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
