using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>Scheduling from a consumer behind the outbox on SQLite (in-memory transport).</summary>
public sealed class When_a_consumer_schedules_through_the_outbox_in_sqlite : OutboxSchedulingTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
