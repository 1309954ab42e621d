namespace Tandem.Forecasting.History;

/// <summary>What a history series counts: the requests of one pool or of one listener.</summary>
public enum SeriesKind
{
    Pool,
    Listener,
}

/// <summary>Names one series of the history store.</summary>
public readonly record struct SeriesKey(SeriesKind Kind, string Name)
{
    public static SeriesKey Pool(string name) => new(SeriesKind.Pool, name);

    public static SeriesKey Listener(string name) => new(SeriesKind.Listener, name);

    internal string KindName => Kind == SeriesKind.Pool ? "pool" : "listener";
}

/// <summary>The requests of one series in one minute (UTC, on the minute).</summary>
public readonly record struct MinuteCount(SeriesKey Series, DateTimeOffset Minute, long Requests);
