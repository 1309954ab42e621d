namespace Tandem.Core.Config;

internal sealed record YamlScalar(int Line, int Column, string? Value, bool IsQuoted) : YamlNode(Line, Column)
{
    /// <summary>A plain <c>~</c>, <c>null</c> or empty value: YAML's null.</summary>
    public bool IsNull => !IsQuoted && (Value is null or "" or "~" or "null" or "Null" or "NULL");

    public string Text => Value ?? "";
}
