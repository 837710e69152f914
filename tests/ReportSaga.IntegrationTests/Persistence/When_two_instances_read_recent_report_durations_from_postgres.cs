using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>What the polling policy learns from, read on PostgreSQL by two instances.</summary>
public sealed class When_two_instances_read_recent_report_durations_from_postgres(InfrastructureFixture infrastructure)
    : RecentReportDurationsTests, IClassFixture<InfrastructureFixture>
{
    protected override int Instances => 2;

    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
}
