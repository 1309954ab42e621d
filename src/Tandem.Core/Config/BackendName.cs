namespace Tandem.Core.Config;

/// <summary>
/// A server address written as a DNS name, with where it was written, so a name that does not resolve is reported
/// like any other config problem (file, line:column, key path).
/// </summary>
public sealed record BackendName(string Host, string File, int Line, int Column, string Path, ResolveMode Mode);
