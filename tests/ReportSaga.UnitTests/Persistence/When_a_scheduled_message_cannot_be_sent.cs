using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>The durable scheduler on SQLite with a destination the in-memory transport refuses, driven by a fake clock.</summary>
public sealed class When_a_scheduled_message_cannot_be_sent : SchedulerParkingTests
{
    private readonly SqliteTestStorage _storage = SqliteTestStorage.Create();

    protected override Task<StorageSettings> CreateStorageAsync() => Task.FromResult(_storage.Settings);

    protected override Task DropStorageAsync()
    {
        _storage.Dispose();
        return Task.CompletedTask;
    }
}
