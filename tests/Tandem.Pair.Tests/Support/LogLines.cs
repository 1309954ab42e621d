using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tandem.Pair.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps each line's event id and message, for asserting what an operator reads.</summary>
internal sealed class LogLines : ILogger
{
    private readonly ConcurrentQueue<(int Id, string Message)> _lines = new();

    /// <summary>The messages logged with <paramref name="eventId"/>, in order.</summary>
    public IReadOnlyList<string> Of(int eventId) => [.. _lines.Where(l => l.Id == eventId).Select(l => l.Message)];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId.Id, formatter(state, exception)));
}
