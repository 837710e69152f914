using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The EF Core saga repository on a real SQLite file.</summary>
public sealed class When_sagas_are_stored_in_sqlite : SagaRepositoryTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
