using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>A consumer that calls outside, run through the outbox with no transaction open, on SQLite (in-memory transport).</summary>
public sealed class When_a_consumer_that_calls_outside_runs_through_the_outbox_in_sqlite : OutsideTransactionOutboxTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
