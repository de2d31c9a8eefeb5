using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionBridge.Tests.Infrastructure;

/// <summary>A fake logger provider that records every entry (category, event id, level, message).</summary>
internal sealed class FakeLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new FakeLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class FakeLogger(FakeLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}
