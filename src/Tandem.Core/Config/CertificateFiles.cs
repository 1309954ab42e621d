namespace Tandem.Core.Config;

/// <summary>A PEM certificate (leaf first, then its chain) and its private key.</summary>
public sealed record CertificateFiles(string Cert, string Key);
