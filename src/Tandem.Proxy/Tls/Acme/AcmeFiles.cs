using System.Security.Cryptography;
using System.Text;
using Tandem.Core.Config;
using Tandem.Core.Tls;

namespace Tandem.Proxy.Tls.Acme;

/// <summary>
/// Where ACME state lives under the data directory: <c>acme/accounts/HASH.key</c> (the account key per directory URL)
/// and <c>acme/certificates/NAME-HASH/{cert.pem,key.pem}</c> per certificate (NAME: its first domain, <c>_</c> for a
/// wildcard's <c>*</c>; HASH: of the directory URL and every domain, so a staging certificate is never served for a
/// production directory, nor one certificate's files taken for another's). Key files are written mode 0600, and every file is replaced by a rename so a reader never sees
/// half of one.
/// </summary>
internal sealed class AcmeFiles(string dataDir, AcmeConfig config)
{
    private string Root => Path.Combine(dataDir, "acme");

    public string AccountKeyPath => Path.Combine(Root, "accounts", Hash(config.Directory.AbsoluteUri) + ".key");

    public string CertificateDirectory =>
        Path.Combine(Root, "certificates", config.Domains[0].Replace('*', '_') + "-" + Hash(string.Join('\n', [config.Directory.AbsoluteUri, .. config.Domains]))[..8]);

    public string CertPath => Path.Combine(CertificateDirectory, "cert.pem");

    public string KeyPath => Path.Combine(CertificateDirectory, "key.pem");

    /// <summary>The account key, created and saved on first use.</summary>
    public AcmeAccountKey LoadOrCreateAccountKey()
    {
        if (File.Exists(AccountKeyPath))
        {
            return AcmeAccountKey.FromPem(File.ReadAllText(AccountKeyPath));
        }
        var key = AcmeAccountKey.Create();
        Write(AccountKeyPath, key.ExportPem(), secret: true);
        return key;
    }

    /// <summary>The stored certificate when there is one that loads and covers every configured domain; null otherwise.</summary>
    public PemCertificate? LoadCertificate(out string? error)
    {
        error = null;
        if (!File.Exists(CertPath) || !File.Exists(KeyPath))
        {
            return null;
        }
        var certificate = PemCertificate.TryLoad(CertPath, KeyPath, out error);
        if (certificate is not null && !config.Domains.All(d => certificate.Names.Contains(d, StringComparer.OrdinalIgnoreCase)))
        {
            error = $"{CertPath} does not cover {string.Join(", ", config.Domains)}; ordering a new one";
            return null;
        }
        return certificate;
    }

    public void Save(AcmeIssued issued)
    {
        Write(KeyPath, issued.KeyPem, secret: true);
        Write(CertPath, issued.ChainPem, secret: false);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static void Write(string path, string text, bool secret)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(text);
        }
        if (secret && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
