using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The durable submission ledger on SQLite: one service instance (the embedded store serves one).</summary>
public sealed class When_submissions_are_recorded_in_sqlite : SubmissionLedgerTests
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
