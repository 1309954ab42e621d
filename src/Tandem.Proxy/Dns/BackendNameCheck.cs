using Tandem.Core.Config;

namespace Tandem.Proxy.Dns;

/// <summary>
/// The part of validation that needs the network: every server name with <c>resolve: start</c> (the default) must
/// resolve, through the config's <c>resolver</c> when it has one. Run by <c>validate</c>, <c>run</c> and each reload.
/// </summary>
public static class BackendNameCheck
{
    /// <summary>
    /// <paramref name="loaded"/> as it is when every name resolves (or it already has problems); otherwise a result with
    /// one problem per unresolvable name, each at the address it was written.
    /// </summary>
    public static Task<ConfigLoadResult> CheckAsync(ConfigLoadResult loaded, CancellationToken cancellationToken) =>
        loaded.IsValid ? CheckAsync(loaded, NameResolvers.For(loaded.Config!.Resolver), cancellationToken) : Task.FromResult(loaded);

    internal static async Task<ConfigLoadResult> CheckAsync(ConfigLoadResult loaded, INameResolver resolver, CancellationToken cancellationToken)
    {
        var lookups = new Dictionary<string, Task<NameAnswer>>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in loaded.Names)
        {
            if (name.Mode == ResolveMode.Start && !lookups.ContainsKey(name.Host))
            {
                lookups[name.Host] = resolver.ResolveAsync(name.Host, cancellationToken);
            }
        }
        if (lookups.Count == 0)
        {
            return loaded;
        }
        await Task.WhenAll(lookups.Values);
        var problems = new List<ConfigProblem>();
        foreach (var name in loaded.Names)
        {
            if (lookups.TryGetValue(name.Host, out var lookup) && name.Mode == ResolveMode.Start && lookup.Result is { Resolved: false } failed)
            {
                problems.Add(new ConfigProblem(name.File, name.Line, name.Column, name.Path,
                    $"name '{name.Host}' does not resolve ({failed.Error}); fix it, or add 'resolve: runtime' to the server to wait for it while running"));
            }
        }
        return problems.Count == 0 ? loaded : new ConfigLoadResult(null, problems) { Names = loaded.Names };
    }
}
