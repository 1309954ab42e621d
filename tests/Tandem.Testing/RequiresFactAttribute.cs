using Xunit;

namespace Tandem.Testing;

/// <summary>
/// A fact that needs outside tools (found on PATH or in /usr/sbin, /usr/bin) and optionally root.
/// Outside CI a missing requirement skips the test with the reason; in CI (<c>CI=true</c>) the test runs and
/// <see cref="Requirements.Check"/> fails it, so a missing tool is never a silent pass.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresFactAttribute : FactAttribute
{
    public RequiresFactAttribute(params string[] tools)
    {
        Tools = tools;
        UpdateSkip();
    }

    public string[] Tools { get; }

    /// <summary>True when the test also needs to run as root (network namespaces, keepalived).</summary>
    public bool Root
    {
        get;
        set
        {
            field = value;
            UpdateSkip();
        }
    }

    private void UpdateSkip()
    {
        var missing = Requirements.Missing(Tools, Root);
        Skip = missing is not null && !Requirements.InCi ? missing : null;
    }
}

/// <summary>Finds tools and checks for root; see <see cref="RequiresFactAttribute"/>.</summary>
public static class Requirements
{
    private static readonly string[] Directories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"];

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root" || string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal);

    /// <summary>The full path of <paramref name="tool"/>, or null.</summary>
    public static string? Find(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(Directories))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Why the requirements are not met, or null when they are.</summary>
    public static string? Missing(IEnumerable<string> tools, bool root)
    {
        var missing = tools.Where(t => Find(t) is null).ToList();
        var reasons = new List<string>();
        if (missing.Count > 0)
        {
            reasons.Add("needs " + string.Join(", ", missing) + " (./test.sh installs it)");
        }
        if (root && !IsRoot)
        {
            reasons.Add("needs root");
        }
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    /// <summary>Call first in a <see cref="RequiresFactAttribute"/> test: fails it in CI when a requirement is missing.</summary>
    public static void Check(IEnumerable<string> tools, bool root = false)
    {
        if (Missing(tools, root) is { } reason)
        {
            Assert.Fail("CI=true and this test " + reason);
        }
    }
}
