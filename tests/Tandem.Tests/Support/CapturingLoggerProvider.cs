using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Tandem.Tests.Support;

/// <summary>Keeps every log line written, so tests can assert what an operator would read.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, EventId EventId, string Message)> Lines => [.. _lines];

    /// <summary>The messages of the lines with the given event id, in order.</summary>
    public IReadOnlyList<string> Messages(int eventId) => [.. _lines.Where(l => l.EventId.Id == eventId).Select(l => l.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue((logLevel, eventId, formatter(state, exception)));
    }
}
