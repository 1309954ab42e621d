namespace Tandem.Pair.OverrideSync;

/// <summary>The fields an <see cref="Transport.OverrideEntry"/> may carry.</summary>
internal static class OverrideFields
{
    public const string Weight = "weight";
    public const string State = "state";
}
