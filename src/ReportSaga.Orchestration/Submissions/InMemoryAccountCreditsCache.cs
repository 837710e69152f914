namespace ReportSaga.Orchestration.Submissions;

/// <summary>The account's credits cached in this process: for the test harness and a single instance without a database.</summary>
public sealed class InMemoryAccountCreditsCache(AccountCreditsReader reader, TimeProvider time) : IAccountCreditsCache
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private (long Credits, DateTimeOffset ReadAt)? _last;

    public long? Last => _last?.Credits;

    public async Task<long?> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken = default)
    {
        if (_last is { } fresh && time.GetUtcNow() - fresh.ReadAt < maxAge)
            return fresh.Credits;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } other && time.GetUtcNow() - other.ReadAt < maxAge)
                return other.Credits;
            if (await reader.ReadAsync(cancellationToken) is { } credits)
                _last = (credits, time.GetUtcNow());
            return _last?.Credits;
        }
        finally
        {
            _reading.Release();
        }
    }
}
