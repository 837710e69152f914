using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReportSaga.IntegrationTests.Infrastructure;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;

namespace ReportSaga.IntegrationTests.Persistence;

/// <summary>The durable submission ledger on PostgreSQL, with several instances racing.</summary>
public sealed class When_instances_race_to_claim_a_submission_in_postgres(InfrastructureFixture infrastructure)
    : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private readonly List<ServiceProvider> _instances = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 4; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddReportSagaPersistence(StorageSettings.ForPostgres(infrastructure.PostgresConnectionString));
            _instances.Add(services.BuildServiceProvider());
        }
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
    }

    [Fact]
    public async Task Exactly_one_claim_wins_across_instances()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = Guid.NewGuid();
            var claims = await Task.WhenAll(_instances.SelectMany(instance => Enumerable.Range(0, 4)
                .Select(_ => Task.Run(() => instance.GetRequiredService<ISubmissionLedger>().ClaimAsync(id)))));

            Assert.Single(claims, c => c.Status == SubmissionClaimStatus.Claimed);
            Assert.All(claims.Where(c => c.Status != SubmissionClaimStatus.Claimed),
                c => Assert.Equal(SubmissionClaimStatus.Uncertain, c.Status));
        }
    }

    [Fact]
    public async Task After_a_release_exactly_one_new_claim_wins()
    {
        var id = Guid.NewGuid();
        var ledger = _instances[0].GetRequiredService<ISubmissionLedger>();
        await ledger.ClaimAsync(id);
        await ledger.ReleaseAsync(id);

        var claims = await Task.WhenAll(_instances.Select(instance =>
            Task.Run(() => instance.GetRequiredService<ISubmissionLedger>().ClaimAsync(id))));

        Assert.Single(claims, c => c.Status == SubmissionClaimStatus.Claimed);
    }

    [Fact]
    public async Task A_claim_commits_on_its_own_even_if_the_message_transaction_rolls_back()
    {
        var id = Guid.NewGuid();
        await using (var scope = _instances[0].CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportSagaDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SELECT 1");

            Assert.Equal(SubmissionClaimStatus.Claimed, (await scope.ServiceProvider.GetRequiredService<ISubmissionLedger>().ClaimAsync(id)).Status);
            await transaction.RollbackAsync();
        }

        var again = await _instances[1].GetRequiredService<ISubmissionLedger>().ClaimAsync(id);
        Assert.Equal(SubmissionClaimStatus.Uncertain, again.Status);
    }
}
