namespace Tandem.Core.Config;

/// <summary>An inclusive range of HTTP status codes (YAML <c>200-399</c> or <c>204</c>).</summary>
public readonly record struct StatusRange(int From, int To)
{
    public static readonly StatusRange Success = new(200, 399);

    public bool Contains(int status) => status >= From && status <= To;

    /// <summary>Parses <c>NNN</c> or <c>NNN-NNN</c> with codes 100..599 and from &lt;= to.</summary>
    public static StatusRange? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? text : text[..dash];
        var toText = dash < 0 ? text : text[(dash + 1)..];
        if (!int.TryParse(fromText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(toText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var to)
            || from is < 100 or > 599 || to is < 100 or > 599 || from > to)
        {
            return null;
        }
        return new StatusRange(from, to);
    }

    public override string ToString() => From == To ? From.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{From}-{To}");
}
