using Microsoft.Extensions.Logging;

namespace ReportSaga.IntegrationTests.Samples;

/// <summary>One formatted log entry.</summary>
public sealed record CapturedEntry(string Category, LogLevel Level, string Message);

/// <summary>
/// A logger provider that keeps every entry, so a test can read what an operator would see. Waits are for a
/// condition, with a guard that only stops a hung test.
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly List<CapturedEntry> _entries = [];
    private readonly SemaphoreSlim _changed = new(0);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public async Task<IReadOnlyList<CapturedEntry>> WaitUntilAsync(Func<IReadOnlyList<CapturedEntry>, bool> condition, string description)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (true)
        {
            var entries = Snapshot();
            if (condition(entries))
                return entries;
            try
            {
                await _changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{description} was never logged; {Snapshot().Count} entries were.");
            }
        }
    }

    private IReadOnlyList<CapturedEntry> Snapshot()
    {
        lock (_entries)
            return [.. _entries];
    }

    private void Add(CapturedEntry entry)
    {
        lock (_entries)
            _entries.Add(entry);
        _changed.Release();
    }

    public void Dispose() => _changed.Dispose();

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add(new CapturedEntry(category, logLevel, formatter(state, exception)));
    }
}
