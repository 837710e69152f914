using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;
using ReportSaga.UnitTests.Persistence.Support;

namespace ReportSaga.UnitTests.Persistence;

/// <summary>What the polling policy learns from, on a real SQLite database: one service instance.</summary>
public sealed class When_recent_report_durations_are_read : RecentReportDurationsTests
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
