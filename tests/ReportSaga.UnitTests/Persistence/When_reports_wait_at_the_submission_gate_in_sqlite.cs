using ReportSaga.Persistence.Storage;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The submission gate on SQLite: one service instance (the embedded store serves one).</summary>
public sealed class When_reports_wait_at_the_submission_gate_in_sqlite : ReportSaga.Testing.Persistence.SubmissionGateTests
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
