using Microsoft.Extensions.DependencyInjection;
using ReportSaga.Orchestration.Submissions;
using ReportSaga.Persistence;
using ReportSaga.Persistence.Storage;
using ReportSaga.Persistence.Submissions;

namespace ReportSaga.Testing.Persistence;

/// <summary>
/// The durable submission ledger: the same answers as the in-memory one, they survive a restart, and of claims racing
/// from every instance exactly one may submit. Written once; each database's subclass gives the storage and how many
/// service instances share it.
/// </summary>
public abstract class SubmissionLedgerTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _instances = [];
    private StorageSettings _settings = null!;

    /// <summary>The database for this test.</summary>
    protected abstract Task<StorageSettings> CreateStorageAsync();

    protected virtual Task DropStorageAsync() => Task.CompletedTask;

    /// <summary>How many service instances share the database (SQLite serves one).</summary>
    protected abstract int Instances { get; }

    public async Task InitializeAsync()
    {
        _settings = await CreateStorageAsync();
        for (var i = 0; i < Instances; i++)
            _instances.Add(Build());
        await ReportSagaDatabase.MigrateAsync(_instances[0]);
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        await DropStorageAsync();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReportSagaPersistence(_settings);
        return services.BuildServiceProvider();
    }

    /// <summary>Service instance <paramref name="instance"/> (modulo <see cref="Instances"/>).</summary>
    protected ServiceProvider Instance(int instance) => _instances[instance % Instances];

    protected ISubmissionLedger Ledger(int instance = 0) => Instance(instance).GetRequiredService<ISubmissionLedger>();

    [Fact]
    public void The_service_ledger_is_the_database_one() => Assert.IsType<EfSubmissionLedger>(Ledger());

    [Fact]
    public async Task The_first_claim_may_submit_and_a_second_is_uncertain()
    {
        var id = Guid.NewGuid();

        Assert.Equal(SubmissionClaimStatus.Claimed, (await Ledger().ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger(1).ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_released_claim_may_be_claimed_again()
    {
        var id = Guid.NewGuid();
        await Ledger().ClaimAsync(id);
        await Ledger().ReleaseAsync(id);

        Assert.Equal(SubmissionClaimStatus.Claimed, (await Ledger(1).ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger().ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_submitted_report_answers_with_its_report_id()
    {
        var id = Guid.NewGuid();
        await Ledger().ClaimAsync(id);
        await Ledger().RecordSubmittedAsync(id, "rep-123");

        Assert.Equal(new SubmissionClaim(SubmissionClaimStatus.AlreadySubmitted, "rep-123"), await Ledger(1).ClaimAsync(id));
    }

    [Fact]
    public async Task An_unresolved_claim_says_when_it_was_taken_and_an_unknown_outcome_does_not()
    {
        var id = Guid.NewGuid();
        var before = DateTime.UtcNow.AddSeconds(-1);
        await Ledger().ClaimAsync(id);

        var unresolved = await Ledger().ClaimAsync(id);
        await Ledger().RecordUncertainAsync(id);
        var unknown = await Ledger().ClaimAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, unresolved.Status);
        Assert.InRange(unresolved.UnresolvedSince!.Value, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(new SubmissionClaim(SubmissionClaimStatus.Uncertain), unknown);
    }

    [Fact]
    public async Task An_uncertain_outcome_stays_uncertain_for_good()
    {
        var id = Guid.NewGuid();
        await Ledger().ClaimAsync(id);
        await Ledger().RecordUncertainAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger().ClaimAsync(id)).Status);
        Assert.Equal(SubmissionClaimStatus.Uncertain, (await Ledger(1).ClaimAsync(id)).Status);
    }

    [Fact]
    public async Task A_claim_survives_a_restart_of_the_service()
    {
        var id = Guid.NewGuid();
        await Ledger().ClaimAsync(id);

        await using var restarted = Build();
        var claim = await restarted.GetRequiredService<ISubmissionLedger>().ClaimAsync(id);

        Assert.Equal(SubmissionClaimStatus.Uncertain, claim.Status);
    }

    [Fact]
    public async Task Concurrent_claims_from_every_instance_let_exactly_one_submit()
    {
        for (var round = 0; round < 10; round++)
        {
            var id = Guid.NewGuid();
            var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Ledger(i).ClaimAsync(id))));

            Assert.Single(claims, c => c.Status == SubmissionClaimStatus.Claimed);
            Assert.All(claims.Where(c => c.Status != SubmissionClaimStatus.Claimed),
                c => Assert.Equal(SubmissionClaimStatus.Uncertain, c.Status));
        }
    }

    [Fact]
    public async Task After_a_release_exactly_one_new_claim_wins()
    {
        var id = Guid.NewGuid();
        await Ledger().ClaimAsync(id);
        await Ledger().ReleaseAsync(id);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Ledger(i).ClaimAsync(id))));

        Assert.Single(claims, c => c.Status == SubmissionClaimStatus.Claimed);
    }
}
