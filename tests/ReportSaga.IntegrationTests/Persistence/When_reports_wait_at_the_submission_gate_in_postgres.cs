using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The submission gate on PostgreSQL, with four service instances granting and releasing at once.</summary>
public sealed class When_reports_wait_at_the_submission_gate_in_postgres(InfrastructureFixture infrastructure)
    : ReportSaga.Testing.Persistence.SubmissionGateTests, IClassFixture<InfrastructureFixture>
{
    protected override int Instances => 4;

    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
}
