using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Tandem.Core.Config.Policies;
using Tandem.Core.Runtime;
using Tandem.Proxy.Pipeline;

namespace Tandem.Proxy.Admission.Policies;

/// <summary>
/// <c>client-certificate</c>: a verified client certificate whose subject, one of whose subject alternative names (DNS
/// names, IP addresses) and whose SHA-256 fingerprint match the patterns given (each list that is given must match
/// once; <c>*</c> and <c>?</c> wildcards, case ignored). Immutable.
/// </summary>
internal sealed class ClientCertificateCheck(ClientCertificatePolicyConfig config) : PolicyCheck
{
    private static readonly ValueTask<PolicyVerdict> Pass = new(PolicyVerdict.Allowed);
    private static readonly ValueTask<PolicyVerdict> Missing = new(PolicyVerdict.Forbidden("cert-missing"));
    private static readonly ValueTask<PolicyVerdict> Mismatch = new(PolicyVerdict.Forbidden("cert"));

    private readonly string[] _fingerprints = Normalize(config.Fingerprint);

    public static X509Certificate2? VerifiedCertificate(HttpContext http) =>
        http.Features.Get<IVerifiedClientCertificateFeature>() is { } feature ? feature.Certificate : http.Connection.ClientCertificate;

    public override string Kind => "client-certificate";

    /// <summary>With a described certificate (subject, SANs, fingerprint), compares its parts with the patterns; without one, as a request.</summary>
    public override ValueTask<CheckExplanation> ExplainAsync(RequestState state, ExplainInput input)
    {
        if (input.Certificate is not { } described)
        {
            return base.ExplainAsync(state, input);
        }
        string? failed = null;
        if (config.Subject is { } subjects && (described.Subject is not { } subject || !AnyMatch(subjects, subject)))
        {
            failed = $"subject '{described.Subject}' matches none of [{string.Join(", ", subjects)}]";
        }
        else if (config.San is { } sans && !AnySanMatches(sans, described.Sans))
        {
            failed = $"no subject alternative name of [{string.Join(", ", described.Sans)}] matches [{string.Join(", ", sans)}]";
        }
        else if (_fingerprints.Length > 0 && (described.Fingerprint is not { } fingerprint
            || Array.IndexOf(_fingerprints, Normalize([fingerprint])[0]) < 0))
        {
            failed = $"fingerprint '{described.Fingerprint}' is not one of those listed";
        }
        return new(failed is null
            ? new CheckExplanation(Kind, PolicyExplainer.Allow, null, "the described certificate matches")
            : new CheckExplanation(Kind, PolicyExplainer.Deny, "cert", failed, StatusCodes.Status403Forbidden));
    }

    private static bool AnySanMatches(IReadOnlyList<string> patterns, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (AnyMatch(patterns, names[i]))
            {
                return true;
            }
        }
        return false;
    }

    public override ValueTask<PolicyVerdict> CheckAsync(RequestState state)
    {
        var certificate = VerifiedCertificate(state.Http);
        if (certificate is null)
        {
            return Missing;
        }
        return Matches(certificate) ? Pass : Mismatch;
    }

    public bool Matches(X509Certificate2 certificate)
    {
        if (config.Subject is { } subjects && !AnyMatch(subjects, certificate.Subject))
        {
            return false;
        }
        if (config.San is { } sans && !SanMatches(sans, certificate))
        {
            return false;
        }
        if (_fingerprints.Length > 0 && Array.IndexOf(_fingerprints, certificate.GetCertHashString(HashAlgorithmName.SHA256)) < 0)
        {
            return false;
        }
        return true;
    }

    private static bool SanMatches(IReadOnlyList<string> patterns, X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == "2.5.29.17")
            {
                var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
                foreach (var name in san.EnumerateDnsNames())
                {
                    if (AnyMatch(patterns, name))
                    {
                        return true;
                    }
                }
                foreach (var address in san.EnumerateIPAddresses())
                {
                    if (AnyMatch(patterns, address.ToString()))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static bool AnyMatch(IReadOnlyList<string> patterns, string value)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (FileSystemName.MatchesSimpleExpression(patterns[i], value, ignoreCase: true))
            {
                return true;
            }
        }
        return false;
    }

    private static string[] Normalize(IReadOnlyList<string>? fingerprints)
    {
        if (fingerprints is null)
        {
            return [];
        }
        var normalized = new string[fingerprints.Count];
        for (var i = 0; i < normalized.Length; i++)
        {
            normalized[i] = fingerprints[i].Replace(":", "", StringComparison.Ordinal).ToUpperInvariant();
        }
        return normalized;
    }
}
