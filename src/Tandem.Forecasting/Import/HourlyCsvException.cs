namespace Tandem.Forecasting.Import;

/// <summary>A history file that cannot be read or parsed; the message names the file and line.</summary>
public sealed class HourlyCsvException : Exception
{
    public HourlyCsvException()
    {
    }

    public HourlyCsvException(string message)
        : base(message)
    {
    }

    public HourlyCsvException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
