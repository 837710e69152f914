using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>Sharing the submission gate on PostgreSQL, with three service instances granting at once.</summary>
public sealed class When_requesters_share_the_submission_gate_in_postgres(InfrastructureFixture infrastructure)
    : ReportSaga.Testing.Persistence.FairShareGateTests, IClassFixture<InfrastructureFixture>
{
    protected override int Instances => 3;

    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
}
