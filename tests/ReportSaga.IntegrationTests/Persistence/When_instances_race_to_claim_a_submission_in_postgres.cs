using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Testing.Persistence;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The durable submission ledger on PostgreSQL, with four service instances racing.</summary>
public sealed class When_instances_race_to_claim_a_submission_in_postgres(InfrastructureFixture infrastructure)
    : SubmissionLedgerTests, IClassFixture<InfrastructureFixture>
{
    protected override int Instances => 4;

    protected override Task<StorageSettings> CreateStorageAsync() =>
        Task.FromResult(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));

    // PostgreSQL only: on SQLite an open transaction holds the file's one write lock (Microsoft.Data.Sqlite begins
    // IMMEDIATE), so a claim on its own connection waits for it; the service runs one instance there.
    [Fact]
    public async Task A_claim_commits_on_its_own_even_if_the_message_transaction_rolls_back()
    {
        var id = Guid.NewGuid();
        await using (var scope = Instance(0).CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SELECT 1");

            Assert.Equal(SubmissionClaimStatus.Claimed, (await scope.ServiceProvider.GetRequiredService<ISubmissionLedger>().ClaimAsync(id)).Status);
            await transaction.RollbackAsync();
        }

        var again = await Ledger(1).ClaimAsync(id);
        Assert.Equal(SubmissionClaimStatus.Uncertain, again.Status);
    }
}
