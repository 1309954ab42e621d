using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tandem.Testing;

/// <summary>Keeps every log line written, so tests can assert what an operator would read.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, EventId EventId, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Category, EventId EventId, string Message)> Lines => [.. _lines];

    /// <summary>The messages of the lines at <paramref name="atLeast"/> or above, in order.</summary>
    public IEnumerable<string> Messages(LogLevel atLeast = LogLevel.Trace)
    {
        foreach (var line in _lines)
        {
            if (line.Level >= atLeast)
            {
                yield return line.Message;
            }
        }
    }

    /// <summary>The messages of the lines with the given event id, in order.</summary>
    public IReadOnlyList<string> Messages(int eventId)
    {
        var messages = new List<string>();
        foreach (var line in _lines)
        {
            if (line.EventId.Id == eventId)
            {
                messages.Add(line.Message);
            }
        }
        return messages;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, category, eventId, formatter(state, exception)));
    }
}
