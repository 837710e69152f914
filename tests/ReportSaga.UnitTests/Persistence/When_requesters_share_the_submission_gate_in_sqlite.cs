using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>Sharing the submission gate on SQLite: one service instance.</summary>
public sealed class When_requesters_share_the_submission_gate_in_sqlite : ReportSaga.Testing.Persistence.FairShareGateTests
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
