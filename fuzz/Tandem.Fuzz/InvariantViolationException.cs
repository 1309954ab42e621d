namespace Tandem.Fuzz;

/// <summary>
/// A parser answered, but the answer breaks a rule its contract promises. Thrown by the fuzz targets on purpose, so
/// afl-fuzz records the input as a crash; any other exception escaping a parser is a crash too.
/// </summary>
public sealed class InvariantViolationException : Exception
{
    public InvariantViolationException()
    {
    }

    public InvariantViolationException(string message)
        : base(message)
    {
    }

    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    internal static void Check(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvariantViolationException(rule);
        }
    }
}
