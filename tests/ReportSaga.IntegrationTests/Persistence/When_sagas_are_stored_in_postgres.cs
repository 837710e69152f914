using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The EF Core saga repository on the real PostgreSQL (row locks, concurrent inserts).</summary>
public sealed class When_sagas_are_stored_in_postgres(InfrastructureFixture infrastructure)
    : SagaRepositoryTests, IClassFixture<InfrastructureFixture>
{
    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
}
