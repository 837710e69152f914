using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>Finished reports past their retention removed from a real SQLite database: one service instance.</summary>
public sealed class When_finished_reports_pass_their_retention : RetentionTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override int Instances => 1;

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
