using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>A saga behind the outbox on SQLite (in-memory transport): its state and its events commit together.</summary>
public sealed class When_a_saga_publishes_through_the_outbox_in_sqlite : SagaOutboxTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override int VersionAfterOneConflict => 3;

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
