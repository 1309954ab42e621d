namespace Tandem.Core.Config;

/// <summary>What names may contain: they appear in URLs of the admin API and in metric labels.</summary>
internal static class NameRules
{
    public const string Plain = "._-";
    public const string Server = "._-:[]";

    public static bool IsValid(string name, string extra, out string error)
    {
        error = "";
        if (name.Length == 0 || name.Length > 64)
        {
            error = name.Length == 0 ? "name must not be empty" : "name must be at most 64 characters";
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !extra.Contains(c, StringComparison.Ordinal))
            {
                error = extra == Plain
                    ? $"name '{name}' may only contain letters, digits, '.', '_' and '-'"
                    : $"name '{name}' may only contain letters, digits, '.', '_', '-', ':', '[' and ']'";
                return false;
            }
        }
        return true;
    }
}
