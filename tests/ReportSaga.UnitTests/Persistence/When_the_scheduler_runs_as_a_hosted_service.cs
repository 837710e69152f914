using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The scheduler's hosted dispatcher on SQLite (in-memory transport), woken by the fake clock.</summary>
public sealed class When_the_scheduler_runs_as_a_hosted_service : HostedSchedulerTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
