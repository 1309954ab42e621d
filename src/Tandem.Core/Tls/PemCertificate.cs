using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tandem.Core.Tls;

/// <summary>
/// A certificate read from PEM files: the leaf with its private key, the chain that followed it in the file, and the
/// host names it answers for (its DNS SANs; the subject's CN when it has none).
/// </summary>
public sealed class PemCertificate
{
    private PemCertificate(X509Certificate2 leaf, X509Certificate2Collection chain, IReadOnlyList<string> names)
    {
        Leaf = leaf;
        Chain = chain;
        Names = names;
    }

    public X509Certificate2 Leaf { get; }

    /// <summary>The intermediates after the leaf in the certificate file, sent with it.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>Lower-case host names, wildcards (<c>*.example.com</c>) included as written.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>A certificate made in memory (a self-signed stand-in); <paramref name="leaf"/> must hold its private key.</summary>
    public static PemCertificate From(X509Certificate2 leaf, X509Certificate2Collection? chain = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        return new PemCertificate(leaf, chain ?? [], HostNames(leaf));
    }

    /// <summary>Reads <paramref name="certPath"/> (leaf first, then its chain) and <paramref name="keyPath"/>.</summary>
    /// <param name="certPath">The PEM certificate file.</param>
    /// <param name="keyPath">The PEM private key file (PKCS#8, RSA or EC).</param>
    /// <param name="error">Why the pair cannot be served, naming the file; null on success.</param>
    public static PemCertificate? TryLoad(string certPath, string keyPath, out string? error)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(certPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot read certificate file {certPath}: {Describe(ex)}";
            return null;
        }
        if (all.Count == 0)
        {
            error = $"certificate file {certPath} holds no PEM certificate";
            return null;
        }
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read key file {keyPath}: {Describe(ex)}";
            return null;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            error = $"key file {keyPath} does not hold the private key of {certPath}: {Describe(ex)}";
            return null;
        }
        var chain = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        error = null;
        return new PemCertificate(leaf, chain, HostNames(leaf));
    }

    /// <summary>Every certificate of a PEM file (a CA bundle); null with <paramref name="error"/> when there is none.</summary>
    public static X509Certificate2Collection? TryLoadBundle(string path, out string? error)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"cannot read CA file {path}: {Describe(ex)}";
            return null;
        }
        error = all.Count == 0 ? $"CA file {path} holds no PEM certificate" : null;
        return all.Count == 0 ? null : all;
    }

    /// <summary>A warning when the key file can be read by group or others (as ssh does for private keys); null otherwise.</summary>
    public static string? KeyPermissionWarning(string keyPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        try
        {
            var mode = File.GetUnixFileMode(keyPath);
            const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
            return (mode & open) == 0 ? null : $"key file {keyPath} is readable by others (mode {Convert.ToString((int)mode, 8)}); chmod 600 it";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The names a certificate answers for, lower case.</summary>
    public static IReadOnlyList<string> HostNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    names.Add(dns.ToLowerInvariant());
                }
            }
        }
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } cn)
        {
            names.Add(cn.ToLowerInvariant());
        }
        return names;
    }

    private static string Describe(Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException ? "no such file" : ex.Message.TrimEnd('.');
}
