using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>Finished reports past their retention removed from PostgreSQL by two instances at once.</summary>
public sealed class When_two_instances_remove_finished_reports_from_postgres(InfrastructureFixture infrastructure)
    : RetentionTests, IClassFixture<InfrastructureFixture>
{
    protected override int Instances => 2;

    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
}
